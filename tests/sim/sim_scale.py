"""Virtual copies of a namespace, for clusters too big to hold as objects (bench/).

--scale shop=2000 serves namespaces shop-00001 ... shop-02000, each a copy of everything in
namespace shop (the Namespace itself and every namespaced object in it). Only the templates
are held in memory: a copy's JSON is the template's with the namespace, the uids (its own,
its owners', in managedFields) and the Namespace's name replaced, made when it is served.
Copies keep the template's names, labels and spec; uids end in the copy number.
"""
import json


class ScaleError(ValueError):
    pass


def copy_name(template, i):
    return "%s-%05d" % (template, i)


class Template:
    """One template namespace, its copies, and per-object substitution data."""

    def __init__(self, cluster, namespace, copies):
        if namespace not in cluster.store.get("namespaces", {}):
            raise ScaleError("--scale %s=%d: no namespace %s in the cluster" % (namespace, copies, namespace))
        if not 1 <= copies <= 99999:
            raise ScaleError("--scale %s=%d: copies must be between 1 and 99999" % (namespace, copies))
        self.namespace, self.copies = namespace, copies
        self.first, self.last = copy_name(namespace, 1), copy_name(namespace, copies)
        self.entries = {}  # plural -> [Entry] of the template namespace, sorted by name
        for plural, bucket in cluster.store.items():
            if plural == "namespaces":
                self.entries[plural] = [bucket[namespace]]
            else:
                es = sorted((e for e in bucket.values() if e.ns == namespace), key=lambda e: e.name)
                if es:
                    self.entries[plural] = es
        self.uids = [e.obj["metadata"]["uid"] for es in self.entries.values() for e in es]
        for plural, bucket in cluster.store.items():
            for key in bucket:
                ns = key.split("/", 1)[0] if plural != "namespaces" else key
                if self.first <= ns <= self.last and ns.startswith(namespace + "-"):
                    raise ScaleError("--scale %s: namespace %s already exists" % (namespace, ns))

    def owns(self, ns):
        """The copy number of namespace ns, or 0."""
        if not (ns.startswith(self.namespace + "-") and len(ns) == len(self.namespace) + 6):
            return 0
        tail = ns[len(self.namespace) + 1:]
        if not tail.isdigit():
            return 0
        i = int(tail)
        return i if 1 <= i <= self.copies else 0


class VirtualEntry:
    """A copy of a template Entry in copy i, encoded on demand (same interface as Entry)."""

    __slots__ = ("template", "copy", "pairs", "ns", "name", "key", "_labels", "_obj")

    def __init__(self, tmpl, entry, i, uids):
        self.template, self.copy = entry, i
        ns = copy_name(tmpl.namespace, i)
        t = tmpl.namespace
        if entry.ns:
            self.ns, self.name = ns, entry.name
            self.key = ns + "/" + entry.name
            self.pairs = [(b'"namespace":"%s"' % t.encode(), b'"namespace":"%s"' % ns.encode()),
                          (b'\\"namespace\\":\\"%s\\"' % t.encode(), b'\\"namespace\\":\\"%s\\"' % ns.encode())]
        else:  # the Namespace object itself
            self.ns, self.name, self.key = "", ns, ns
            self.pairs = [(b'"name":"%s"' % t.encode(), b'"name":"%s"' % ns.encode()),
                          (b'"kubernetes.io/metadata.name":"%s"' % t.encode(),
                           b'"kubernetes.io/metadata.name":"%s"' % ns.encode())]
        self.pairs += [(u.encode(), (u[:24] + "%012x" % i).encode()) for u in uids]
        self._labels = None
        self._obj = None

    def _sub(self, blob):
        for old, new in self.pairs:
            blob = blob.replace(old, new)
        return blob

    @property
    def obj(self):
        if self._obj is None:
            self._obj = json.loads(self.full_json())
        return self._obj

    @property
    def print_obj(self):
        """A copy prints as its template (same name, namespace is no column) except a Namespace."""
        return self.template.obj if self.ns else self.obj

    @property
    def labels(self):
        if self._labels is None:
            labels = self.template.labels
            if not self.ns:
                labels = dict(labels, **{"kubernetes.io/metadata.name": self.name})
            self._labels = labels
        return self._labels

    def item_json(self):
        return self._sub(self.template.item_json())

    def full_json(self):
        return self._sub(self.template.full_json())

    def meta_obj(self):
        return json.loads(self.meta_json())

    def meta_json(self):
        return self._sub(self.template.meta_json())


class CopyBlock:
    """The copies of one template's entries of one resource, in key order, as a sequence."""

    def __init__(self, tmpl, plural, copies=None):
        self.tmpl = tmpl
        self.entries = tmpl.entries.get(plural, [])
        self.copies = copies or (1, tmpl.copies)  # inclusive range of copy numbers
        self.uids = [[u for u in tmpl.uids if u.encode() in e.full_json()] for e in self.entries]

    def __len__(self):
        return len(self.entries) * (self.copies[1] - self.copies[0] + 1)

    def entry(self, idx):
        n = len(self.entries)
        i, j = divmod(idx, n)
        return VirtualEntry(self.tmpl, self.entries[j], self.copies[0] + i, self.uids[j])


class Merged:
    """Real entries and copy blocks merged in key order; indexable and sliceable."""

    def __init__(self, real, blocks):
        # each block sits at one insertion point among the real entries (checked disjoint)
        self.parts = []
        pos = 0
        for block in sorted(blocks, key=lambda b: b.tmpl.first):
            if not len(block):
                continue
            first_key = block.entry(0).key
            cut = pos
            while cut < len(real) and real[cut].key < first_key:
                cut += 1
            if cut > pos:
                self.parts.append(real[pos:cut])
            self.parts.append(block)
            pos = cut
        if pos < len(real):
            self.parts.append(real[pos:])
        self.length = sum(len(p) for p in self.parts)

    def __len__(self):
        return self.length

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            start, stop, _ = idx.indices(self.length)
            return [self[i] for i in range(start, stop)]
        if idx < 0:
            idx += self.length
        for part in self.parts:
            if idx < len(part):
                return part.entry(idx) if isinstance(part, CopyBlock) else part[idx]
            idx -= len(part)
        raise IndexError(idx)

    def __iter__(self):
        for part in self.parts:
            if isinstance(part, CopyBlock):
                for i in range(len(part)):
                    yield part.entry(i)
            else:
                yield from part


def parse_scale(specs):
    out = []
    for spec in specs:
        ns, sep, n = spec.partition("=")
        if not sep or not n.isdigit() or not ns:
            raise ScaleError("--scale %s: expected NAMESPACE=COPIES" % spec)
        out.append((ns, int(n)))
    return out

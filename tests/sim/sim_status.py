"""metav1.Status bodies worded as kube-apiserver words them.

Message formats follow k8s.io/apimachinery/pkg/api/errors (NewForbidden, NewNotFound, ...)
and the RBAC forbidden message of k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.
"""


def status(code, reason, message, details=None, continue_token=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message}
    if reason:
        body["reason"] = reason
    if details is not None:
        body["details"] = details
    body["code"] = code
    if continue_token:
        body["metadata"]["continue"] = continue_token
    return body


def qualified(resource, group):
    """GroupResource.String(): "pods", "roles.rbac.authorization.k8s.io"."""
    return resource + "." + group if group else resource


def _details(name, group, resource):
    d = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    if resource:
        d["kind"] = resource
    return d


def forbidden(user, verb, group="", resource="", subresource="", namespace="", name="",
              path="", reason=""):
    """403 for a denied request; resource empty means a non-resource URL (path)."""
    if resource:
        res = resource + ("/" + subresource if subresource else "")
        if namespace:
            why = 'User "%s" cannot %s resource "%s" in API group "%s" in the namespace "%s"' % (
                user, verb, res, group, namespace)
        else:
            why = 'User "%s" cannot %s resource "%s" in API group "%s" at the cluster scope' % (
                user, verb, res, group)
    else:
        why = 'User "%s" cannot %s path "%s"' % (user, verb, path)
    if reason:
        why += ": " + reason
    qr = qualified(resource, group)
    if not qr:
        message = "forbidden: " + why
    elif name:
        message = '%s "%s" is forbidden: %s' % (qr, name, why)
    else:
        message = "%s is forbidden: %s" % (qr, why)
    return status(403, "Forbidden", message, _details(name, group, resource))


def unauthorized():
    return status(401, "Unauthorized", "Unauthorized")


def not_found(resource, group, name):
    return status(404, "NotFound", '%s "%s" not found' % (qualified(resource, group), name),
                  _details(name, group, resource))


def resource_not_found():
    """An unknown resource under a known group/version."""
    return status(404, "NotFound", "the server could not find the requested resource", {})


def bad_request(message):
    return status(400, "BadRequest", message)


def method_not_supported(resource, group, verb):
    return status(405, "MethodNotAllowed",
                  "%s is forbidden: the simulator is read-only and does not %s" % (
                      qualified(resource, group) or "this path", verb), {})


def not_acceptable(message):
    return status(406, "NotAcceptable", message)


CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. "
    "You can start a new list without the continue parameter, or use the continue token in "
    "this response to retrieve the remainder of the results. Continuing with the provided "
    "token results in an inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in the list.")


def expired(continue_token):
    """410 Gone for an expired continue token, carrying an inconsistent continuation."""
    return status(410, "Expired", CONTINUE_EXPIRED, continue_token=continue_token)


def too_many_requests(retry_after):
    return status(429, "TooManyRequests", "Too many requests, please try again later.",
                  {"retryAfterSeconds": retry_after})


def internal_error(message):
    return status(500, "InternalError", "Internal error occurred: " + message,
                  {"causes": [{"message": message}]})


def service_unavailable(message):
    return status(503, "ServiceUnavailable", message)


def for_code(code, message=None, retry_after=None):
    """A plausible Status for an injected fault of any code."""
    if code == 429:
        return too_many_requests(retry_after or 1)
    if code == 500:
        return internal_error(message or "simulated fault")
    if code == 503:
        return service_unavailable(message or "the server is currently unable to handle the request")
    if code == 504:
        return status(504, "Timeout", message or "the server was unable to return a response in the time allotted, but may still be processing the request")
    if code == 401:
        return unauthorized()
    if code == 403:
        return status(403, "Forbidden", message or "forbidden: simulated fault", {})
    if code == 410:
        return status(410, "Expired", message or "simulated fault")
    return status(code, "", message or "simulated fault")

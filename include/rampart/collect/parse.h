#pragma once
// Pure functions turning one Kubernetes API object (JSON, as served) into the Inventory's value
// types. The collector calls them on each item of a page as it arrives; tests and check
// fixtures call them on files in testdata/. They never throw on missing or mistyped fields:
// a field of the wrong type is treated as absent.
#include <string_view>

#include <nlohmann/json.hpp>

#include "rampart/collect/inventory.h"

namespace rampart::collect {

/// Annotation keys kept on any object; everything else on a Secret is dropped, and
/// kubectl.kubernetes.io/last-applied-configuration is dropped from every object.
bool annotation_is_safe(std::string_view key, bool on_secret);

Meta parse_meta(const nlohmann::json& metadata, bool is_secret = false);
LabelSelector parse_label_selector(const nlohmann::json& selector);
SecurityContext parse_security_context(const nlohmann::json& sc);
Namespace parse_namespace(const nlohmann::json& obj);
Pod parse_pod(const nlohmann::json& obj);
ServiceAccount parse_service_account(const nlohmann::json& obj);
PolicyRule parse_policy_rule(const nlohmann::json& rule);
Role parse_role(const nlohmann::json& obj, bool cluster_scoped);
Binding parse_binding(const nlohmann::json& obj, bool cluster_scoped);
NetworkPolicy parse_network_policy(const nlohmann::json& obj);
/// From a metadata-only item (PartialObjectMetadata) or a full Secret object. A full Secret's
/// data is never read, only counted; callers must not request full Secrets in the first place.
SecretMeta parse_secret_meta(const nlohmann::json& obj);
/// One row of the secrets Table (`Accept: ...;as=Table`, includeObject=Metadata): metadata from
/// row.object, type and key count from the cells of the "Type" and "Data" columns (index, or -1
/// when the server has no such column). The only form the collector requests secrets in: the
/// Table carries no values, and the metadata is filtered like any secret's.
SecretMeta parse_secret_row(const nlohmann::json& row, int type_column, int data_column);
Node parse_node(const nlohmann::json& obj);
WebhookConfiguration parse_webhook_configuration(const nlohmann::json& obj, bool mutating);
ValidatingAdmissionPolicy parse_validating_admission_policy(const nlohmann::json& obj);
ValidatingAdmissionPolicyBinding parse_validating_admission_policy_binding(const nlohmann::json& obj);
/// Decodes spec.request (base64 PEM, PKCS#10) to keep its subject; neither the request bytes
/// nor status.certificate are kept. A request that does not decode sets request_error.
CertificateSigningRequest parse_certificate_signing_request(const nlohmann::json& obj);
Service parse_service(const nlohmann::json& obj);
Workload parse_workload(const nlohmann::json& obj, std::string_view kind);

/// Any object whose "kind" is one of the above, or a List of them, into `inv` (used by test
/// fixtures and the simulator cross-checks). Unknown kinds are ignored.
void add_object(Inventory& inv, const nlohmann::json& obj);

}  // namespace rampart::collect

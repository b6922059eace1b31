#!/usr/bin/env python3
"""Render every kustomize overlay in deploy/ offline and check it (CONVENTIONS.md "deploy/").

    python scripts/deploy_check.py deploy            # check deploy/overlays/*, one line each
    python scripts/deploy_check.py deploy --print province   # also print the rendered YAML

CI has neither kubectl nor kustomize, so this script renders the overlays itself with PyYAML
(it needs none of the services' code; the schema checks need kubernetes-validate and jsonschema). It implements only the part of kustomize that
deploy/ uses, and refuses anything else rather than rendering it wrongly:

- ``resources``: YAML files and directories holding a Kustomization;
- ``components``: directories holding a ``kind: Component``, applied in order after resources;
- ``configMapGenerator``: ``files``/``literals`` with ``options.disableNameSuffixHash: true``
  (and ``options.labels``/``annotations``); no name hashes, so no reference rewriting;
- ``patches``: a file (``path``) or inline (``patch``); strategic merge patches matched by
  kind + name, merging the lists deploy/ patches (containers, env, volumes, volumeMounts, ports,
  topologySpreadConstraints) by their Kubernetes merge keys and replacing other lists (and
  every list of a custom resource, as kustomize does); JSON 6902 ``add``/``remove``/``replace``
  on a ``target`` of kind and name (a regular expression, as in kustomize) and labelSelector;
- ``namespace``, ``labels`` (``pairs`` only: no includeSelectors/includeTemplates),
  ``images`` (newName, newTag, digest) and ``replicas``;
- kustomize's transformer order: patches, namespace, labels, replicas, images.

Not supported (an error if used): commonLabels, commonAnnotations, namePrefix/nameSuffix,
secretGenerator (secrets are never committed), replacements, helmCharts, remote resources.
Where kubectl is installed, tests/contracts/test_deploy_manifests.py compares this renderer
with ``kubectl kustomize``.

Rules checked on each render: every Deployment has the app.kubernetes.io name/part-of/component
labels, a selector matching its pod labels, Prometheus scrape annotations, a non-root pod
(runAsNonRoot, uid 10001, RuntimeDefault seccomp), containers with a read-only root, no
privilege escalation and all capabilities dropped, an emptyDir at /tmp, readiness and liveness
readiness on GET /health and liveness on GET /health/live at port 8080, container port 8080, CPU and memory requests and limits, a
ServiceAccount of its own that exists in the render with token automount off, ConfigMaps it
reads present, and a Service selecting it on 8080. Everywhere: every secret reference names
``wuying-secrets``; no Secret carries data; every image has a tag other than ``latest`` (or a
digest). Overlays not named in LOCAL_OVERLAYS must also have NetworkPolicies: a default deny
and an allow that selects each Deployment.

Schemas: every rendered object of a built-in kind is validated (unknown fields refused) with
``kubernetes-validate`` against the Kubernetes versions in KUBERNETES_VERSIONS, from the schemas
that package ships (offline). Custom resources (RabbitMQ operators, KEDA, the MongoDB Community
Operator, the Prometheus Operator) are validated against the JSON Schemas committed in
``deploy/schemas/<group>/<version>/<Kind>.json``; a custom kind without one is a problem.
Autoscaling: a workload is scaled by at most one ScaledObject and never also by an HPA, and a
ScaledObject keeps at least 2 replicas. MongoDB: every MongoDBCommunity is a replica set of at
least 3 members whose users hold least privilege (a service user: read/readWrite on its own
database only; an admin-database user: backup or clusterMonitor only).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

SECRET_NAME = "wuying-secrets"
HTTP_PORT = 8080
RUN_AS_USER = 10001
REQUIRED_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/component")
# The Kubernetes versions every render must be valid for (kubernetes-validate's offline schemas):
# the oldest a province may still run, and a recent one.
KUBERNETES_VERSIONS = ("1.29.0", "1.33.0")
MIN_SCALED_REPLICAS = 2
MONGODB_MIN_MEMBERS = 3
# Built-in roles that grant more than one database's data (or the cluster): never for a user.
MONGODB_SERVICE_ROLES = frozenset({"read", "readWrite"})
MONGODB_ADMIN_ROLES = frozenset({"backup", "clusterMonitor"})
# Overlays that may run without network policies (a laptop cluster often has no CNI support).
LOCAL_OVERLAYS = frozenset({"local"})

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KUSTOMIZATION_KEYS = frozenset(
    {"apiVersion", "kind", "resources", "components", "configMapGenerator", "patches", "namespace"}
    | {"labels", "images", "replicas"}
)
CLUSTER_SCOPED = frozenset(
    {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume"}
    | {"StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration"}
    | {"MutatingWebhookConfiguration", "ClusterIssuer"}
)
REPLICA_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
# Strategic-merge keys of the lists deploy/ patches; other lists are replaced.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
    "topologySpreadConstraints": "topologyKey",
}


class RenderError(Exception):
    """The kustomization cannot be rendered (or uses what this renderer does not support)."""


# -- loading ----------------------------------------------------------------------------------
def load_yaml_docs(path: Path) -> list[dict]:
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d is not None]
    except (OSError, yaml.YAMLError) as exc:
        raise RenderError(f"{path}: {exc}") from exc
    for doc in docs:
        if not isinstance(doc, dict) or "kind" not in doc or "metadata" not in doc:
            raise RenderError(f"{path}: every document must be a Kubernetes object with kind and metadata")
    return docs


def kustomization_file(directory: Path) -> Path:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            return directory / name
    raise RenderError(f"{directory}: no kustomization.yaml")


def load_kustomization(directory: Path, kind: str) -> dict:
    path = kustomization_file(directory)
    docs = load_yaml_docs_raw(path)
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise RenderError(f"{path}: expected one mapping")
    k = docs[0]
    if k.get("kind", "Kustomization") != kind:
        raise RenderError(f"{path}: kind {k.get('kind')!r}, expected {kind}")
    unknown = set(k) - KUSTOMIZATION_KEYS
    if unknown:
        raise RenderError(f"{path}: not supported by this offline renderer: {sorted(unknown)}")
    return k


def load_yaml_docs_raw(path: Path) -> list:
    try:
        return [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d is not None]
    except (OSError, yaml.YAMLError) as exc:
        raise RenderError(f"{path}: {exc}") from exc


def object_id(doc: dict) -> tuple[str, str, str]:
    meta = doc.get("metadata") or {}
    return doc["kind"], meta.get("namespace") or "", meta.get("name") or ""


def ref(doc: dict) -> str:
    kind, namespace, name = object_id(doc)
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


# -- rendering --------------------------------------------------------------------------------
def render(directory: str | Path) -> list[dict]:
    """Render the Kustomization in ``directory``: a list of Kubernetes objects."""
    resources: list[dict] = []
    _build(Path(directory), "Kustomization", resources)
    seen: set[tuple[str, str, str]] = set()
    for doc in resources:
        oid = object_id(doc)
        if oid in seen:
            raise RenderError(f"{directory}: {ref(doc)} is defined twice")
        seen.add(oid)
    return resources


def _build(directory: Path, kind: str, resources: list[dict]) -> None:
    """Kustomize's order: resources, components, generators, then this level's transformers
    over everything accumulated so far (a component's transformers see its parent's resources)."""
    k = load_kustomization(directory, kind)
    for entry in k.get("resources") or []:
        if "://" in entry or entry.startswith("github.com/"):
            raise RenderError(f"{directory}: remote resource {entry!r} not supported")
        path = (directory / entry).resolve()
        if path.is_dir():
            _build(path, "Kustomization", resources)
        elif path.is_file():
            resources.extend(load_yaml_docs(path))
        else:
            raise RenderError(f"{directory}: resource {entry!r} not found")
    for entry in k.get("components") or []:
        path = (directory / entry).resolve()
        if not path.is_dir():
            raise RenderError(f"{directory}: component {entry!r} is not a directory")
        _build(path, "Component", resources)
    for generator in k.get("configMapGenerator") or []:
        resources.append(_generate_config_map(directory, generator))
    for patch in k.get("patches") or []:
        _apply_patch(directory, patch, resources)
    if k.get("namespace"):
        for doc in resources:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = k["namespace"]
    for entry in k.get("labels") or []:
        if entry.get("includeSelectors") or entry.get("includeTemplates"):
            raise RenderError(f"{directory}: labels with includeSelectors/includeTemplates not supported")
        for doc in resources:
            doc["metadata"].setdefault("labels", {}).update({key: str(v) for key, v in entry["pairs"].items()})
    for entry in k.get("replicas") or []:
        matched = [d for d in resources if d["kind"] in REPLICA_KINDS and d["metadata"].get("name") == entry["name"]]
        if not matched:
            raise RenderError(f"{directory}: replicas for {entry['name']!r}: no such workload")
        for doc in matched:
            doc.setdefault("spec", {})["replicas"] = int(entry["count"])
    for entry in k.get("images") or []:
        for doc in resources:
            for container in _containers(doc):
                if "image" in container:
                    container["image"] = _retag(container["image"], entry)


def _generate_config_map(directory: Path, generator: dict) -> dict:
    unknown = set(generator) - {"name", "files", "literals", "options", "behavior"}
    options = generator.get("options") or {}
    if unknown or generator.get("behavior", "create") != "create":
        raise RenderError(f"{directory}: configMapGenerator {generator.get('name')}: unsupported {sorted(unknown)}")
    if options.get("disableNameSuffixHash") is not True:
        raise RenderError(
            f"{directory}: configMapGenerator {generator['name']}: set options.disableNameSuffixHash: true "
            "(this renderer does not rewrite hashed names)"
        )
    data: dict[str, str] = {}
    for entry in generator.get("files") or []:
        key, _, source = entry.rpartition("=") if "=" in entry else (None, "", entry)
        path = directory / source
        try:
            data[key or path.name] = path.read_text("utf-8")
        except OSError as exc:
            raise RenderError(f"{directory}: configMapGenerator {generator['name']}: {exc}") from exc
    for entry in generator.get("literals") or []:
        key, _, value = entry.partition("=")
        data[key] = value
    meta: dict = {"name": generator["name"]}
    if options.get("labels"):
        meta["labels"] = dict(options["labels"])
    if options.get("annotations"):
        meta["annotations"] = dict(options["annotations"])
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}
    if data:
        doc["data"] = data
    return doc


# -- patches ----------------------------------------------------------------------------------
def _apply_patch(directory: Path, entry: dict, resources: list[dict]) -> None:
    if "path" in entry:
        docs = load_yaml_docs_raw(directory / entry["path"])
        where = f"{directory}: patch {entry['path']}"
    elif "patch" in entry:
        docs = [d for d in yaml.safe_load_all(entry["patch"]) if d is not None]
        where = f"{directory}: inline patch"
    else:
        raise RenderError(f"{directory}: a patch needs path or patch")
    if set(entry) - {"path", "patch", "target"}:
        raise RenderError(f"{where}: options {sorted(set(entry) - {'path', 'patch', 'target'})} not supported")
    target = entry.get("target")
    if len(docs) == 1 and isinstance(docs[0], list):
        if not target:
            raise RenderError(f"{where}: a JSON 6902 patch needs a target")
        for doc in _select(resources, target):
            _json6902(doc, docs[0], where)
        return
    for patch in docs:
        if not isinstance(patch, dict):
            raise RenderError(f"{where}: not a strategic merge patch")
        if target:
            matched = _select(resources, target)
        else:
            kind, namespace, name = object_id(patch)
            matched = [
                d
                for d in resources
                if d["kind"] == kind
                and d["metadata"].get("name") == name
                and (not namespace or d["metadata"].get("namespace") == namespace)
            ]
            if len(matched) != 1:
                raise RenderError(f"{where}: {kind}/{name} matches {len(matched)} objects, expected 1")
        for doc in matched:
            body = {k: v for k, v in patch.items() if k not in ("apiVersion", "kind")}
            if target:
                body.pop("metadata", None)
            merged = strategic_merge(doc, body, builtin=_is_builtin(doc))
            doc.clear()
            doc.update(merged)


def _select(resources: list[dict], target: dict) -> list[dict]:
    unknown = set(target) - {"kind", "name", "namespace", "labelSelector", "group", "version"}
    if unknown:
        raise RenderError(f"patch target fields {sorted(unknown)} not supported")
    selector = {}
    for term in filter(None, (target.get("labelSelector") or "").split(",")):
        key, sep, value = term.partition("=")
        if not sep or key.endswith("!"):
            raise RenderError(f"labelSelector {target['labelSelector']!r}: only key=value terms supported")
        selector[key.strip()] = value.strip()
    matched = []
    for doc in resources:
        meta = doc["metadata"]
        group, _, version = doc.get("apiVersion", "").rpartition("/")
        if "kind" in target and not re.fullmatch(target["kind"], doc["kind"]):
            continue
        if "name" in target and not re.fullmatch(target["name"], meta.get("name", "")):
            continue
        if "namespace" in target and not re.fullmatch(target["namespace"], meta.get("namespace", "")):
            continue
        if "group" in target and target["group"] != group or "version" in target and target["version"] != version:
            continue
        if any((meta.get("labels") or {}).get(k) != v for k, v in selector.items()):
            continue
        matched.append(doc)
    return matched


def _is_builtin(doc: dict) -> bool:
    group = doc.get("apiVersion", "").rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def strategic_merge(original, patch, builtin: bool = True):
    """Strategic merge of ``patch`` into ``original`` (a new value). Maps merge, ``null``
    deletes a key, lists with a known merge key merge item by item (items only in the patch
    come first, as kustomize puts them), other lists are replaced."""
    if not isinstance(patch, dict) or not isinstance(original, dict):
        return copy.deepcopy(patch)
    if "$patch" in patch or any(str(k).startswith("$") for k in patch):
        raise RenderError("strategic merge directives ($patch, $setElementOrder, ...) not supported")
    result = copy.deepcopy(original)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(result.get(key), list) and builtin:
            result[key] = _merge_list(key, result[key], value)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = strategic_merge(result[key], value, builtin)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _merge_list(key: str, original: list, patch: list) -> list:
    merge_key = MERGE_KEYS.get(key)
    if key == "ports" and all(isinstance(i, dict) for i in original + patch):
        merge_key = "containerPort" if any("containerPort" in i for i in original + patch) else "port"
    if merge_key is None or not all(isinstance(i, dict) and merge_key in i for i in original + patch):
        return copy.deepcopy(patch)
    by_key = {item[merge_key]: item for item in original}
    added = [copy.deepcopy(i) for i in patch if i[merge_key] not in by_key]
    patched = {i[merge_key]: i for i in patch}
    merged = [strategic_merge(i, patched[i[merge_key]]) if i[merge_key] in patched else i for i in original]
    return added + copy.deepcopy(merged)


def _json6902(doc: dict, operations: list, where: str) -> None:
    for op in operations:
        if op.get("op") not in ("add", "remove", "replace"):
            raise RenderError(f"{where}: JSON 6902 op {op.get('op')!r} not supported")
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in op["path"].split("/")[1:]]
        parent = doc
        for token in tokens[:-1]:
            try:
                parent = parent[int(token)] if isinstance(parent, list) else parent[token]
            except (KeyError, IndexError, ValueError) as exc:
                raise RenderError(f"{where}: {ref(doc)} has no {op['path']}") from exc
        last = tokens[-1]
        value = copy.deepcopy(op.get("value"))
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if op["op"] == "add":
                parent.insert(index, value)
            elif index >= len(parent):
                raise RenderError(f"{where}: {ref(doc)} has no {op['path']}")
            elif op["op"] == "replace":
                parent[index] = value
            else:
                del parent[index]
        elif op["op"] == "add":
            parent[last] = value
        elif last not in parent:
            raise RenderError(f"{where}: {ref(doc)} has no {op['path']}")
        elif op["op"] == "replace":
            parent[last] = value
        else:
            del parent[last]


# -- images -----------------------------------------------------------------------------------
def _containers(doc: dict):
    """Every container of an object, in a pod spec at any depth (pods, templates, CRDs)."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("containers", "initContainers") and isinstance(value, list):
                    yield from (c for c in value if isinstance(c, dict))
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """``registry/name:tag@digest`` -> (name, tag, digest)."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest or None


def _retag(image: str, entry: dict) -> str:
    name, tag, digest = split_image(image)
    if name != entry["name"]:
        return image
    name = entry.get("newName", name)
    if "digest" in entry:
        return f"{name}@{entry['digest']}"
    if "newTag" in entry:
        return f"{name}:{entry['newTag']}"
    return name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


def image_problem(image) -> str | None:
    if not isinstance(image, str) or not image:
        return "has no image"
    _, tag, digest = split_image(image)
    if digest:
        return None
    if tag is None:
        return f"image {image!r} has no tag: pin one (never :latest)"
    if tag == "latest":
        return f"image {image!r} uses :latest: pin a version"
    return None


# -- checks -----------------------------------------------------------------------------------
def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def _subset(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _named(docs: list[dict], kind: str, namespace: str, name: str) -> dict | None:
    return next((d for d in docs if object_id(d) == (kind, namespace, name)), None)


def _port_number(port, container_ports: dict) -> int | None:
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    return container_ports.get(port)


def check(docs: list[dict], require_network_policies: bool = True) -> list[str]:
    """Problems with a rendered overlay (an empty list when it follows every rule)."""
    problems: list[str] = []
    deployments = [d for d in docs if d["kind"] == "Deployment"]
    accounts = Counter()
    for deployment in deployments:
        problems += _check_deployment(deployment, docs)
        spec = ((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}
        accounts[(deployment["metadata"].get("namespace") or "", spec.get("serviceAccountName"))] += 1
    for (namespace, account), count in accounts.items():
        if account and count > 1:
            problems.append(f"ServiceAccount {account} in {namespace or 'default'} is shared by {count} Deployments")
    for doc in docs:
        problems += [f"{ref(doc)}: {p}" for p in _check_everywhere(doc)]
    problems += _check_selectors(docs)
    problems += _check_autoscaling(docs)
    problems += _check_mongodb(docs)
    if require_network_policies:
        problems += _check_network_policies(docs, deployments)
    return problems


def _check_deployment(d: dict, docs: list[dict]) -> list[str]:
    out: list[str] = []
    meta = d.get("metadata") or {}
    namespace = meta.get("namespace") or ""
    labels = meta.get("labels") or {}
    for label in REQUIRED_LABELS:
        if not labels.get(label):
            out.append(f"label {label} missing")
    if labels.get("app.kubernetes.io/part-of") not in (None, "wuying"):
        out.append("label app.kubernetes.io/part-of must be wuying")
    spec = d.get("spec") or {}
    template = spec.get("template") or {}
    pod_labels = (template.get("metadata") or {}).get("labels") or {}
    for label in REQUIRED_LABELS[:2]:
        if not pod_labels.get(label):
            out.append(f"pod template label {label} missing")
    if not _subset((spec.get("selector") or {}).get("matchLabels") or {}, pod_labels):
        out.append("spec.selector.matchLabels must be non-empty and match the pod template labels")
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    expected = {"prometheus.io/scrape": "true", "prometheus.io/port": str(HTTP_PORT), "prometheus.io/path": "/metrics"}
    for key, value in expected.items():
        if str(annotations.get(key)) != value:
            out.append(f"pod annotation {key} must be {value!r}")

    pod = template.get("spec") or {}
    security = pod.get("securityContext") or {}
    if security.get("runAsNonRoot") is not True:
        out.append("pod securityContext.runAsNonRoot must be true")
    if security.get("runAsUser") != RUN_AS_USER:
        out.append(f"pod securityContext.runAsUser must be {RUN_AS_USER}")
    if (security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        out.append("pod securityContext.seccompProfile.type must be RuntimeDefault")
    if pod.get("automountServiceAccountToken") is not False:
        out.append("automountServiceAccountToken must be false")
    account = pod.get("serviceAccountName")
    if not account or account == "default":
        out.append("needs a serviceAccountName of its own")
    elif not _named(docs, "ServiceAccount", namespace, account):
        out.append(f"ServiceAccount {account} is not in the render")

    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for volume in volumes.values():
        config_map = volume.get("configMap")
        if (
            config_map
            and not config_map.get("optional")
            and not _named(docs, "ConfigMap", namespace, config_map["name"])
        ):
            out.append(f"volume {volume.get('name')}: ConfigMap {config_map['name']} is not in the render")
    containers = pod.get("containers") or []
    if not containers:
        out.append("has no containers")
    serves_http = False
    container_ports: dict = {}
    for c in containers + (pod.get("initContainers") or []):
        out += [f"container {c.get('name')}: {p}" for p in _check_container(c, volumes, docs, namespace)]
    for c in containers:
        ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
        container_ports.update(ports)
        serves_http |= HTTP_PORT in ports.values()
        for kind, path in (("readinessProbe", "/health"), ("livenessProbe", "/health/live")):
            get = (c.get(kind) or {}).get("httpGet") or {}
            if get.get("path") != path or _port_number(get.get("port"), ports) != HTTP_PORT:
                out.append(f"container {c.get('name')}: {kind} must be httpGet {path} on port {HTTP_PORT}")
    if not serves_http:
        out.append(f"no container exposes port {HTTP_PORT}")

    services = [
        s
        for s in docs
        if s["kind"] == "Service"
        and (s["metadata"].get("namespace") or "") == namespace
        and _subset((s.get("spec") or {}).get("selector") or {}, pod_labels)
        and any(
            _port_number(p.get("targetPort", p.get("port")), container_ports) == HTTP_PORT
            for p in (s.get("spec") or {}).get("ports") or []
        )
    ]
    if not services:
        out.append(f"no Service selects its pods on port {HTTP_PORT}")
    return [f"{ref(d)}: {p}" for p in out]


def _check_container(c: dict, volumes: dict, docs: list[dict], namespace: str) -> list[str]:
    out = []
    security = c.get("securityContext") or {}
    if security.get("readOnlyRootFilesystem") is not True:
        out.append("securityContext.readOnlyRootFilesystem must be true")
    if security.get("allowPrivilegeEscalation") is not False:
        out.append("securityContext.allowPrivilegeEscalation must be false")
    if security.get("privileged"):
        out.append("must not be privileged")
    if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
        out.append("securityContext.capabilities.drop must contain ALL")
    resources = c.get("resources") or {}
    for section in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if not (resources.get(section) or {}).get(resource):
                out.append(f"resources.{section}.{resource} missing")
    tmp = [m for m in c.get("volumeMounts") or [] if m.get("mountPath") == "/tmp"]
    if not tmp or "emptyDir" not in volumes.get(tmp[0].get("name"), {}):
        out.append("needs an emptyDir volume mounted at /tmp")
    for source in c.get("envFrom") or []:
        config_map = source.get("configMapRef")
        if (
            config_map
            and not config_map.get("optional")
            and not _named(docs, "ConfigMap", namespace, config_map["name"])
        ):
            out.append(f"envFrom: ConfigMap {config_map['name']} is not in the render")
    return out


def _check_everywhere(doc: dict) -> list[str]:
    out = []
    if doc["kind"] == "Secret" and (doc.get("data") or doc.get("stringData")):
        out.append("a Secret with data is committed: create it in the cluster instead (deploy/README.md)")
    for path, node in _walk(doc):
        if not isinstance(node, dict) or not path:
            continue
        where = ".".join(str(p) for p in path)
        secret = None
        if path[-1] in ("secretKeyRef", "secretRef") and "name" in node:
            secret = node["name"]
        elif path[-1] == "secret" and "secretName" in node:
            secret = node["secretName"]
        elif len(path) >= 2 and path[-2] == "secretTargetRef":
            secret = node.get("name")
        elif path[-1] == "passwordSecretRef":
            secret = node.get("name")
        if secret is not None and secret != SECRET_NAME:
            out.append(f"{where} refers to Secret {secret!r}; secrets come from {SECRET_NAME}")
    for container in _containers(doc):
        # An operator's resource may override a container it creates without naming the image
        # (the MongoDB operator picks it from spec.version); an image it does name is checked.
        if "image" not in container and not _is_builtin(doc):
            continue
        problem = image_problem(container.get("image"))
        if problem:
            out.append(f"container {container.get('name')}: {problem}")
    spec_image = (doc.get("spec") or {}).get("image") if isinstance(doc.get("spec"), dict) else None
    if spec_image is not None and image_problem(spec_image):
        out.append(f"spec.image: {image_problem(spec_image)}")
    return out


def _pod_templates(docs: list[dict], namespace: str) -> list[dict]:
    return [
        ((d.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
        for d in docs
        if d["kind"] in REPLICA_KINDS and (d["metadata"].get("namespace") or "") == namespace
    ]


def _check_selectors(docs: list[dict]) -> list[str]:
    out = []
    for doc in docs:
        namespace = doc["metadata"].get("namespace") or ""
        spec = doc.get("spec") or {}
        if doc["kind"] == "PodDisruptionBudget":
            selector = (spec.get("selector") or {}).get("matchLabels") or {}
            if not any(_subset(selector, labels) for labels in _pod_templates(docs, namespace)):
                out.append(f"{ref(doc)}: selects no workload's pods")
        if doc["kind"] == "ScaledObject":
            target = (spec.get("scaleTargetRef") or {}).get("name")
            if not _named(docs, spec.get("scaleTargetRef", {}).get("kind", "Deployment"), namespace, target):
                out.append(f"{ref(doc)}: scale target {target} is not in the render")
    return out


def _check_autoscaling(docs: list[dict]) -> list[str]:
    """KEDA makes an HPA of its own: a second scaler on the same workload fights it."""
    out = []
    scalers: dict[tuple[str, str, str], list[str]] = {}
    for doc in docs:
        spec = doc.get("spec") or {}
        if doc["kind"] not in ("ScaledObject", "HorizontalPodAutoscaler"):
            continue
        target = spec.get("scaleTargetRef") or {}
        key = (doc["metadata"].get("namespace") or "", target.get("kind", "Deployment"), target.get("name", ""))
        scalers.setdefault(key, []).append(ref(doc))
        if doc["kind"] == "ScaledObject" and int(spec.get("minReplicaCount", 0)) < MIN_SCALED_REPLICAS:
            out.append(f"{ref(doc)}: minReplicaCount must be at least {MIN_SCALED_REPLICAS}")
    for (_, kind, name), refs in sorted(scalers.items()):
        if len(refs) > 1:
            out.append(f"{kind}/{name} is scaled by {len(refs)} autoscalers ({', '.join(refs)}): keep one")
    return out


def _check_mongodb(docs: list[dict]) -> list[str]:
    out = []
    for doc in (d for d in docs if d["kind"] == "MongoDBCommunity"):
        spec = doc.get("spec") or {}
        if spec.get("type") != "ReplicaSet" or int(spec.get("members") or 0) < MONGODB_MIN_MEMBERS:
            out.append(f"{ref(doc)}: must be a ReplicaSet of at least {MONGODB_MIN_MEMBERS} members")
        for user in spec.get("users") or []:
            db = user.get("db", "admin")
            allowed = MONGODB_ADMIN_ROLES if db == "admin" else MONGODB_SERVICE_ROLES
            for role in user.get("roles") or []:
                if role.get("name") not in allowed or (db != "admin" and role.get("db") != db):
                    out.append(
                        f"{ref(doc)}: user {user.get('name')} ({db}) holds {role.get('name')}@{role.get('db')}: "
                        f"least privilege allows {sorted(allowed)}" + (f" on {db} only" if db != "admin" else "")
                    )
    return out


# -- schemas ----------------------------------------------------------------------------------
def _custom_schemas(deploy_dir: Path) -> dict[tuple[str, str], dict]:
    schemas = {}
    for path in sorted((deploy_dir / "schemas").glob("*/*/*.json")):
        group, version, kind = path.parent.parent.name, path.parent.name, path.stem
        schemas[(f"{group}/{version}", kind)] = json.loads(path.read_text("utf-8"))
    return schemas


def validate_schemas(docs: list[dict], deploy_dir: str | Path) -> list[str]:
    """Schema problems of a render: built-in kinds with kubernetes-validate (strict, offline),
    custom resources with the committed schemas in deploy/schemas."""
    try:
        import jsonschema
        import kubernetes_validate
    except ImportError as exc:
        return [
            f"cannot validate schemas: {exc.name} is not installed (pip install -c constraints.txt kubernetes-validate)"
        ]
    custom = _custom_schemas(Path(deploy_dir))
    out = []
    for doc in docs:
        key = (doc.get("apiVersion", ""), doc["kind"])
        if not _is_builtin(doc):
            schema = custom.get(key)
            if schema is None:
                group_version = key[0]
                out.append(
                    f"{ref(doc)}: no schema for {key[1]} ({group_version}): add deploy/schemas/{group_version}/{key[1]}.json"
                )
                continue
            for error in sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path)):
                where = ".".join(str(p) for p in error.path) or "(top)"
                out.append(f"{ref(doc)}: {where}: {error.message}")
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                where = ".".join(str(p) for p in error.path) or "(top)"
                out.append(f"{ref(doc)}: Kubernetes {version}: {where}: {error.message}")
            except kubernetes_validate.SchemaNotFoundError as error:
                out.append(f"{ref(doc)}: {error.message}")
    return out


def _check_network_policies(docs: list[dict], deployments: list[dict]) -> list[str]:
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    if not policies:
        return ["no NetworkPolicy in the render: include deploy/components/network-policies"]
    out = []
    for namespace in sorted({d["metadata"].get("namespace") or "" for d in deployments}):
        denies = [
            p
            for p in policies
            if (p["metadata"].get("namespace") or "") == namespace
            and not (p["spec"].get("podSelector") or {})
            and {"Ingress", "Egress"} <= set(p["spec"].get("policyTypes") or [])
            and not p["spec"].get("ingress")
            and not p["spec"].get("egress")
        ]
        if not denies:
            out.append(
                f"namespace {namespace or 'default'}: no default-deny NetworkPolicy (podSelector {{}}, no rules)"
            )
    for d in deployments:
        pod_labels = d["spec"]["template"]["metadata"].get("labels") or {}
        allowed = any(
            _subset((p["spec"].get("podSelector") or {}).get("matchLabels") or {}, pod_labels)
            and any(
                any(_port_number(port.get("port"), {}) == HTTP_PORT for port in rule.get("ports") or [])
                for rule in p["spec"].get("ingress") or []
            )
            for p in policies
            if (p["metadata"].get("namespace") or "") == (d["metadata"].get("namespace") or "")
        )
        if not allowed:
            out.append(f"{ref(d)}: no NetworkPolicy allows ingress to it on port {HTTP_PORT}")
    return out


# -- command line -----------------------------------------------------------------------------
class OverlayResult:
    """One overlay's render and its problems (a plain class: tests load this file by path)."""

    def __init__(self, name: str, docs: list[dict] | None = None, problems: list[str] | None = None) -> None:
        self.name = name
        self.docs = docs or []
        self.problems = problems or []

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        kinds = Counter(d["kind"] for d in self.docs)
        listing = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        state = "OK" if self.ok else f"FAILED ({len(self.problems)} problems)"
        return f"{self.name}: {state}: {len(self.docs)} objects ({listing})"


def check_overlay(directory: str | Path) -> OverlayResult:
    directory = Path(directory)
    result = OverlayResult(directory.name)
    try:
        result.docs = render(directory)
    except RenderError as exc:
        result.problems.append(f"cannot render: {exc}")
        return result
    result.problems = check(result.docs, require_network_policies=directory.name not in LOCAL_OVERLAYS)
    result.problems += validate_schemas(result.docs, directory.parent.parent)
    return result


def overlays(deploy_dir: str | Path) -> list[Path]:
    root = Path(deploy_dir) / "overlays"
    return sorted(p for p in root.iterdir() if p.is_dir() and any((p / f).is_file() for f in KUSTOMIZATION_FILES))


def check_components(deploy_dir: str | Path) -> list[str]:
    """Every directory under components/ is a kustomize Component with a README.md."""
    root = Path(deploy_dir) / "components"
    problems = []
    for directory in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        if not (directory / "README.md").is_file():
            problems.append(f"components/{directory.name}: README.md missing")
        try:
            load_kustomization(directory, "Component")
        except RenderError as exc:
            problems.append(f"components/{directory.name}: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deploy_dir", nargs="?", default="deploy")
    parser.add_argument("--print", dest="show", metavar="OVERLAY", help="print the rendered YAML of OVERLAY")
    args = parser.parse_args(argv)
    found = overlays(args.deploy_dir) if (Path(args.deploy_dir) / "overlays").is_dir() else []
    if not found:
        print(f"{args.deploy_dir}: no overlays/*/kustomization.yaml", file=sys.stderr)
        return 2
    problems = check_components(args.deploy_dir)
    print(f"components: {'OK' if not problems else f'FAILED ({len(problems)} problems)'}")
    for problem in problems:
        print(f"  - {problem}")
    failed = bool(problems)
    for directory in found:
        result = check_overlay(directory)
        print(result.summary())
        for problem in result.problems:
            print(f"  - {problem}")
        failed |= not result.ok
        if args.show == directory.name and result.docs:
            print(yaml.safe_dump_all(result.docs, sort_keys=False, allow_unicode=True), end="")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

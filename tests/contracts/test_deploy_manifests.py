"""The Kubernetes manifests in deploy/ render and follow CONVENTIONS.md "deploy/" (checked
offline by scripts/deploy_check.py, which CI runs as `make deploy-check`)."""

import copy
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ("intake", "risk", "warning", "inspection", "archive")


def _load_checker():
    spec = importlib.util.spec_from_file_location("deploy_check", ROOT / "scripts" / "deploy_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("deploy_check", module)
    spec.loader.exec_module(module)
    return module


dc = _load_checker()


def _by(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def _env(deployment):
    return {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0].get("env", [])}


@pytest.fixture(scope="module")
def local():
    return dc.check_overlay(DEPLOY / "overlays" / "local")


@pytest.fixture(scope="module")
def province():
    return dc.check_overlay(DEPLOY / "overlays" / "province")


# -- the real overlays ------------------------------------------------------------------------
@pytest.mark.parametrize("overlay", ["local", "province"])
def test_overlay_renders_and_passes(overlay):
    result = dc.check_overlay(DEPLOY / "overlays" / overlay)
    assert result.ok, "\n".join(result.problems)
    assert sorted(_by(result.docs, "Deployment")) == sorted(SERVICES)


def test_every_overlay_is_checked():
    assert {p.name for p in dc.overlays(DEPLOY)} >= {"local", "province"}


def test_command_line_passes_on_the_repository(capsys):
    assert dc.main([str(DEPLOY)]) == 0
    out = capsys.readouterr().out
    assert "local: OK" in out and "province: OK" in out


def test_local_is_one_replica_each_on_the_embedded_store(local):
    for name, deployment in _by(local.docs, "Deployment").items():
        assert deployment["spec"]["replicas"] == 1, name
        assert "MONGODB_URI" not in _env(deployment), name
        assert deployment["metadata"]["namespace"] == "wuying-local"
    assert not [d for d in local.docs if d["kind"] in ("StatefulSet", "NetworkPolicy", "ScaledObject")]


def test_province_sizes_stores_and_policies(province):
    deployments = _by(province.docs, "Deployment")
    assert {n: d["spec"]["replicas"] for n, d in deployments.items()} == {
        "intake": 3,
        "risk": 3,
        "warning": 3,
        "inspection": 2,
        "archive": 3,
    }
    replica_sets = _by(province.docs, "MongoDBCommunity")
    for name, deployment in deployments.items():
        env = list(_env(deployment))
        # $(MONGODB_PASSWORD) only expands if it is defined first.
        assert env.index("MONGODB_PASSWORD") < env.index("MONGODB_URI"), name
        uri = _env(deployment)["MONGODB_URI"]["value"]
        # Its own user, all three members, its own database as the place it authenticates.
        assert uri.startswith(f"mongodb://{name}:$(MONGODB_PASSWORD)@{name}-mongodb-0.{name}-mongodb-svc:27017,"), name
        assert f"{name}-mongodb-2.{name}-mongodb-svc:27017/wuying_{name}?replicaSet={name}-mongodb" in uri, name
        assert f"authSource=wuying_{name}" in uri, name
        assert replica_sets[f"{name}-mongodb"]["spec"]["members"] == 3
        assert f"{name}-mongodb-backup" in _by(province.docs, "CronJob")
        spec = deployment["spec"]["template"]["spec"]
        assert {c["topologyKey"] for c in spec["topologySpreadConstraints"]} == {
            "kubernetes.io/hostname",
            "topology.kubernetes.io/zone",
        }
        assert deployment["metadata"]["namespace"] == "wuying"
    assert sorted(_by(province.docs, "PodDisruptionBudget")) == sorted(SERVICES)
    assert "wuying-default-deny" in _by(province.docs, "NetworkPolicy")
    scaled = _by(province.docs, "ScaledObject")
    assert {n: s["spec"]["minReplicaCount"] for n, s in scaled.items()} == {
        "intake": 3,
        "risk": 3,
        "warning": 3,
        "inspection": 2,
        "archive": 3,
    }
    assert _by(province.docs, "RabbitmqCluster")["wuying-rabbitmq"]["spec"]["replicas"] == 3


@pytest.mark.parametrize("overlay", ["local", "province"])
def test_no_calendar_directory_is_mounted_years_arrive_as_events(overlay):
    """One mechanism for calendar years (issue 8 item 3): ``calendar.year_loaded``, not a ConfigMap."""
    docs = dc.render(DEPLOY / "overlays" / overlay)
    assert "wuying-calendar" not in _by(docs, "ConfigMap")
    for config in _by(docs, "ConfigMap").values():
        assert "WUYING_CALENDAR_DIR" not in (config.get("data") or {})


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed (CI uses the offline renderer)")
@pytest.mark.parametrize("overlay", ["local", "province"])
def test_offline_render_equals_kubectl_kustomize(overlay):
    out = subprocess.run(
        ["kubectl", "kustomize", str(DEPLOY / "overlays" / overlay)], capture_output=True, text=True, check=True
    ).stdout
    theirs = {dc.object_id(d): d for d in yaml.safe_load_all(out) if d}
    mine = {dc.object_id(d): d for d in dc.render(DEPLOY / "overlays" / overlay)}
    assert sorted(mine) == sorted(theirs)
    for key, doc in mine.items():
        assert doc == theirs[key], key


# -- broken manifests are reported -------------------------------------------------------------
@pytest.fixture
def good(province):
    return copy.deepcopy(province.docs)


def _archive(docs):
    return _by(docs, "Deployment")["archive"]


def _container(docs):
    return _archive(docs)["spec"]["template"]["spec"]["containers"][0]


def _problems(docs, **kwargs):
    return "\n".join(dc.check(docs, **kwargs))


def test_the_fixture_itself_is_clean(good):
    assert dc.check(good) == []


def test_writable_root_filesystem_is_reported(good):
    del _container(good)["securityContext"]["readOnlyRootFilesystem"]
    assert "Deployment/wuying/archive: container archive: securityContext.readOnlyRootFilesystem" in _problems(good)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("registry.example/wuying/archive:latest", "uses :latest"),
        ("registry.example/wuying/archive", "has no tag"),
        ("registry.example:5000/wuying/archive", "has no tag"),
    ],
)
def test_unpinned_images_are_reported(good, image, message):
    _container(good)["image"] = image
    assert message in _problems(good)


def test_images_pinned_by_digest_or_on_a_registry_port_pass(good):
    _container(good)["image"] = "registry.example:5000/wuying/archive:0.1.0"
    assert dc.check(good) == []
    _container(good)["image"] = "registry.example/wuying/archive@sha256:" + "0" * 64
    assert dc.check(good) == []


def test_unpinned_third_party_images_are_reported(good):
    _by(good, "RabbitmqCluster")["wuying-rabbitmq"]["spec"]["image"] = "rabbitmq:latest"
    _by(good, "CronJob")["risk-mongodb-backup"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0][
        "image"
    ] = "mongo"
    problems = _problems(good)
    assert "RabbitmqCluster/wuying/wuying-rabbitmq: spec.image" in problems
    assert "CronJob/wuying/risk-mongodb-backup: container mongodump: image 'mongo' has no tag" in problems


def test_root_user_missing_probes_and_limits_are_reported(good):
    pod = _archive(good)["spec"]["template"]["spec"]
    pod["securityContext"]["runAsUser"] = 0
    del pod["securityContext"]["seccompProfile"]
    pod["containers"][0]["livenessProbe"]["httpGet"]["path"] = "/"
    del pod["containers"][0]["readinessProbe"]
    del pod["containers"][0]["resources"]["limits"]
    pod["containers"][0]["securityContext"]["capabilities"]["drop"] = ["NET_RAW"]
    problems = _problems(good)
    for message in (
        "runAsUser must be 10001",
        "seccompProfile.type must be RuntimeDefault",
        "livenessProbe must be httpGet /health",
        "readinessProbe must be httpGet /health",
        "resources.limits.cpu missing",
        "capabilities.drop must contain ALL",
    ):
        assert message in problems


def test_labels_service_account_and_service_are_required(good):
    deployment = _archive(good)
    del deployment["metadata"]["labels"]["app.kubernetes.io/component"]
    good.remove(_by(good, "ServiceAccount")["archive"])
    good.remove(_by(good, "Service")["archive"])
    problems = _problems(good)
    assert "label app.kubernetes.io/component missing" in problems
    assert "ServiceAccount archive is not in the render" in problems
    assert "no Service selects its pods on port 8080" in problems


def test_shared_service_account_is_reported(good):
    _by(good, "Deployment")["risk"]["spec"]["template"]["spec"]["serviceAccountName"] = "archive"
    assert "ServiceAccount archive in wuying is shared by 2 Deployments" in _problems(good)


def test_tmp_must_be_an_empty_dir(good):
    pod = _archive(good)["spec"]["template"]["spec"]
    pod["volumes"] = [v for v in pod["volumes"] if v["name"] != "tmp"]
    assert "needs an emptyDir volume mounted at /tmp" in _problems(good)


def test_secrets_only_by_reference_to_wuying_secrets(good):
    _env(_archive(good))["WUYING_JWT_SECRET"]["valueFrom"]["secretKeyRef"]["name"] = "jwt"
    good.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "wuying-secrets"}, "data": {"x": "eA=="}})
    problems = _problems(good)
    assert "refers to Secret 'jwt'" in problems
    assert "Secret/wuying-secrets: a Secret with data is committed" in problems


def test_network_policies_required_outside_local(good):
    without = [d for d in good if d["kind"] != "NetworkPolicy"]
    assert "no NetworkPolicy in the render" in _problems(without)
    assert dc.check(without, require_network_policies=False) == []
    no_archive_allow = [d for d in good if d["metadata"]["name"] != "wuying-allow-archive"]
    assert "Deployment/wuying/archive: no NetworkPolicy allows ingress to it on port 8080" in _problems(
        no_archive_allow
    )


# -- the renderer and the command line ---------------------------------------------------------
def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _overlay_from_base(tmp_path, kustomization):
    shutil.copytree(DEPLOY / "base", tmp_path / "deploy" / "base")
    _write(tmp_path / "deploy" / "overlays" / "broken" / "kustomization.yaml", kustomization)
    return tmp_path / "deploy"


def test_main_fails_with_clear_messages(tmp_path, capsys):
    deploy = _overlay_from_base(
        tmp_path,
        """resources: [../../base]
images:
  - name: registry.example/wuying/risk
    newTag: latest
patches:
  - target: {kind: Deployment, name: archive}
    patch: |-
      - op: remove
        path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem
""",
    )
    assert dc.main([str(deploy)]) == 1
    out = capsys.readouterr().out
    assert "broken: FAILED" in out
    assert "Deployment/risk: container risk: image 'registry.example/wuying/risk:latest' uses :latest" in out
    assert "Deployment/archive: container archive: securityContext.readOnlyRootFilesystem must be true" in out
    assert "no NetworkPolicy in the render" in out


@pytest.mark.parametrize(
    ("kustomization", "message"),
    [
        ("resources: [../../base]\ncommonLabels: {a: b}\n", "not supported by this offline renderer: ['commonLabels']"),
        ("resources: [../../base]\nsecretGenerator: [{name: s, literals: [a=b]}]\n", "secretGenerator"),
        ("resources: [../../base, ../../base]\n", "is defined twice"),
        ("resources: [../../nowhere.yaml]\n", "not found"),
        ("resources: [../../base]\nreplicas: [{name: nobody, count: 2}]\n", "no such workload"),
        ("resources: [../../base]\nconfigMapGenerator: [{name: c, literals: [a=b]}]\n", "disableNameSuffixHash"),
    ],
)
def test_unsupported_or_wrong_kustomizations_are_render_errors(tmp_path, kustomization, message):
    deploy = _overlay_from_base(tmp_path, kustomization)
    result = dc.check_overlay(deploy / "overlays" / "broken")
    assert not result.ok
    assert message in result.problems[0]


def test_components_need_a_readme_and_kind_component(tmp_path):
    assert dc.check_components(DEPLOY) == []
    _write(tmp_path / "components" / "extra" / "kustomization.yaml", "kind: Kustomization\n")
    problems = "\n".join(dc.check_components(tmp_path))
    assert "components/extra: README.md missing" in problems
    assert "expected Component" in problems


def test_strategic_merge_patch_merges_lists_by_key():
    original = {"containers": [{"name": "a", "env": [{"name": "X", "value": "1"}], "args": ["p"]}]}
    patch = {"containers": [{"name": "a", "env": [{"name": "Y", "value": "2"}, {"name": "X", "value": "3"}]}]}
    merged = dc.strategic_merge(original, patch)
    assert merged["containers"][0]["env"] == [{"name": "Y", "value": "2"}, {"name": "X", "value": "3"}]
    assert merged["containers"][0]["args"] == ["p"]
    assert dc.strategic_merge({"a": {"b": 1, "c": 2}}, {"a": {"b": None}}) == {"a": {"c": 2}}
    assert dc.strategic_merge({"l": [{"name": "a"}]}, {"l": [{"name": "b"}]}, builtin=False) == {"l": [{"name": "b"}]}


# -- schemas, autoscaling, MongoDB ------------------------------------------------------------
def _schema_problems(docs):
    return "\n".join(dc.validate_schemas(docs, DEPLOY))


def test_every_object_of_the_overlays_has_a_schema_and_follows_it(province, local):
    # The fixtures' problems include schema problems; here: every custom kind has a schema.
    kinds = {(d["apiVersion"], d["kind"]) for d in province.docs if not dc._is_builtin(d)}
    assert {k for _, k in kinds} >= {"RabbitmqCluster", "Vhost", "ScaledObject", "MongoDBCommunity", "PrometheusRule"}
    assert dc.validate_schemas(province.docs, DEPLOY) == []
    assert dc.validate_schemas(local.docs, DEPLOY) == []


def test_kubernetes_schemas_refuse_unknown_and_mistyped_fields(good):
    _archive(good)["spec"]["template"]["spec"]["containers"][0]["imagePullPolice"] = "Always"
    _by(good, "Service")["archive"]["spec"]["ports"][0]["port"] = "8080"
    problems = _schema_problems(good)
    for version in dc.KUBERNETES_VERSIONS:
        assert f"Deployment/wuying/archive: Kubernetes {version}: spec.template.spec.containers.0:" in problems
        assert (
            f"Service/wuying/archive: Kubernetes {version}: spec.ports.0.port: '8080' is not of type 'integer'"
            in problems
        )
    assert "imagePullPolice" in problems


def test_custom_resources_follow_the_committed_schemas(good):
    _by(good, "ScaledObject")["risk"]["spec"]["triggers"][0]["metadata"]["value"] = 100
    _by(good, "MongoDBCommunity")["risk-mongodb"]["spec"]["member"] = 3
    _by(good, "Vhost")["wuying"]["spec"]["defaultQueueType"] = "quorums"
    _by(good, "PrometheusRule")["wuying-alerts"]["spec"]["groups"][0]["rules"][0]["for"] = "five minutes"
    problems = _schema_problems(good)
    assert "ScaledObject/wuying/risk: spec.triggers.0.metadata.value: 100 is not of type 'string'" in problems
    assert (
        "MongoDBCommunity/wuying/risk-mongodb: spec: Additional properties are not allowed ('member' was unexpected)"
        in problems
    )
    assert "Vhost/wuying/wuying: spec.defaultQueueType: 'quorums' is not one of" in problems
    assert "PrometheusRule/wuying/wuying-alerts: spec.groups.0.rules.0.for: 'five minutes' does not match" in problems


def test_a_custom_kind_without_a_schema_is_a_problem(good):
    good.append({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "wuying"}})
    assert "Widget/wuying/w: no schema for Widget (example.com/v1): add deploy/schemas/example.com/v1/Widget.json" in (
        _schema_problems(good)
    )


def test_keda_never_beside_an_hpa_and_keeps_two_replicas(good):
    _by(good, "ScaledObject")["inspection"]["spec"]["minReplicaCount"] = 1
    good.append(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "risk-cpu", "namespace": "wuying"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "risk"}},
        }
    )
    problems = _problems(good)
    assert "ScaledObject/wuying/inspection: minReplicaCount must be at least 2" in problems
    assert (
        "Deployment/risk is scaled by 2 autoscalers (ScaledObject/wuying/risk, HorizontalPodAutoscaler/wuying/risk-cpu)"
        in problems
    )


def test_mongodb_is_a_replica_set_of_three_with_least_privilege_users(good):
    spec = _by(good, "MongoDBCommunity")["warning-mongodb"]["spec"]
    spec["members"] = 1
    spec["users"][0]["roles"].append({"name": "readWrite", "db": "wuying_archive"})
    spec["users"][1]["roles"] = [{"name": "root", "db": "admin"}]
    spec["users"][0]["passwordSecretRef"]["name"] = "mongo-passwords"
    problems = _problems(good)
    assert "MongoDBCommunity/wuying/warning-mongodb: must be a ReplicaSet of at least 3 members" in problems
    assert "user warning (wuying_warning) holds readWrite@wuying_archive: least privilege allows" in problems
    assert "user backup (admin) holds root@admin" in problems
    assert "refers to Secret 'mongo-passwords'" in problems


def test_the_restore_job_is_valid_for_every_service():
    template = (DEPLOY / "components" / "mongodb-backup" / "restore-job.yaml").read_text()
    for name in SERVICES:
        job = yaml.safe_load(template.replace("SERVICE", name).replace("ARCHIVE", f"wuying_{name}-x.archive.gz"))
        job["metadata"]["namespace"] = "wuying"
        assert dc.validate_schemas([job], DEPLOY) == []
        assert dc.check([job], require_network_policies=False) == []
        assert f"--nsInclude='wuying_{name}.*'" in job["spec"]["template"]["spec"]["containers"][0]["args"][0]

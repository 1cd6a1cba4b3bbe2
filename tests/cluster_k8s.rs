//! jixiao as a Kubernetes Indexed Job (deploy/k8s/): the manifests validate against the
//! Kubernetes schemas (kubernetes-validate from PyPI, pinned in scripts/setup.sh; --strict, so
//! an unknown field fails) and the fields that matter agree with each other (it does not check
//! enum values such as completionMode); then the plan Job's, every index's and the merge Job's
//! command lines run here as the pods would (their env, JOB_COMPLETION_INDEX set, the CPU limit
//! as threads), and the merged outputs equal a single run byte for byte, also after one file is
//! added (which alone is processed again) and with an input that fails (its shard is done).

mod batch_common;
mod cluster_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use batch_common::*;
use cluster_common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest(name: &str) -> PathBuf {
    root().join("deploy/k8s").join(name)
}

const MANIFESTS: [&str; 4] = [
    "pvc.yaml",
    "plan-job.yaml",
    "shards-job.yaml",
    "merge-job.yaml",
];

/// `python3 -m kubernetes_validate --strict FILES`.
fn validate(files: &[PathBuf]) -> std::process::Output {
    Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict"])
        .args(files)
        .output()
        .expect("python3")
}

/// A manifest as JSON (PyYAML comes with kubernetes-validate).
fn yaml(path: &Path) -> Value {
    let o = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(path)
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn container(job: &Value) -> &Value {
    let c = &job["spec"]["template"]["spec"]["containers"];
    assert_eq!(c.as_array().map(Vec::len), Some(1), "one container");
    &c[0]
}

/// The container's environment as the kubelet would set it: values, and resourceFieldRef
/// limits.cpu resolved from the container's own limit (divisor 1).
fn env_of(job: &Value) -> Vec<(String, String)> {
    let c = container(job);
    c["env"]
        .as_array()
        .expect("env")
        .iter()
        .map(|e| {
            let name = e["name"].as_str().expect("name").to_owned();
            let value = match (&e["value"], &e["valueFrom"]["resourceFieldRef"]) {
                (Value::String(v), _) => v.clone(),
                (_, r) if r["resource"] == "limits.cpu" => {
                    assert_eq!(r["divisor"], "1");
                    c["resources"]["limits"]["cpu"]
                        .as_str()
                        .expect("cpu limit")
                        .to_owned()
                }
                other => panic!("{name}: unsupported env source {other:?}"),
            };
            (name, value)
        })
        .collect()
}

fn env_value(job: &Value, name: &str) -> String {
    env_of(job)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("{name} not in the env of {}", job["metadata"]["name"]))
}

fn script(job: &Value) -> String {
    let c = container(job);
    assert_eq!(c["command"], serde_json::json!(["/bin/sh", "-c"]));
    c["args"][0].as_str().expect("args[0]").to_owned()
}

#[test]
fn manifests_validate_and_agree() {
    let files: Vec<PathBuf> = MANIFESTS.iter().map(|m| manifest(m)).collect();
    let o = validate(&files);
    assert!(
        o.status.success(),
        "kubernetes-validate (scripts/setup.sh installs it):\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // The validator has teeth: a misspelt field fails under --strict.
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = tmp.path().join("bad.yaml");
    let text = std::fs::read_to_string(manifest("shards-job.yaml")).expect("read");
    std::fs::write(&bad, text.replace("completionMode:", "completionMod:")).expect("write");
    assert!(
        !validate(&[bad]).status.success(),
        "a misspelt field must fail"
    );

    let pvc = yaml(&manifest("pvc.yaml"));
    let plan = yaml(&manifest("plan-job.yaml"));
    let shards = yaml(&manifest("shards-job.yaml"));
    let merge = yaml(&manifest("merge-job.yaml"));
    // What the validator does not check (enum values) and what must agree across the Jobs.
    let spec = &shards["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    let n = spec["completions"].as_u64().expect("completions");
    assert!(n >= 1);
    assert_eq!(spec["parallelism"].as_u64(), Some(n));
    assert_eq!(env_value(&shards, "JIXIAO_SHARDS"), n.to_string());
    assert_eq!(
        env_value(&plan, "JIXIAO_SHARDS"),
        n.to_string(),
        "plan and Job agree on N"
    );
    assert!(spec["backoffLimitPerIndex"].as_u64().is_some());
    let s = script(&shards);
    assert!(
        s.contains("--shard \"$JOB_COMPLETION_INDEX/$JIXIAO_SHARDS\""),
        "{s}"
    );
    assert!(script(&plan).contains("jixiao plan"));
    assert!(script(&merge).contains("jixiao merge"));
    let threads = &container(&shards)["env"]
        .as_array()
        .expect("env")
        .iter()
        .find(|e| e["name"] == "JIXIAO_THREADS")
        .expect("JIXIAO_THREADS")["valueFrom"]["resourceFieldRef"];
    assert_eq!(
        threads["resource"], "limits.cpu",
        "threads are the pod's CPUs"
    );
    assert_eq!(threads["containerName"], container(&shards)["name"]);
    // The image puts the binary on the pods' PATH and the models where an installed jixiao
    // looks for them (../share/jixiao/models from its executable).
    let cf = std::fs::read_to_string(manifest("Containerfile")).expect("Containerfile");
    for want in [
        "FROM docker.io/library/debian:12",
        "target/release/jixiao /usr/local/bin/jixiao",
        "models/ /usr/local/share/jixiao/models/",
        "cargo build --release --locked",
        "scripts/fetch-models.sh",
    ] {
        assert!(cf.contains(want), "Containerfile lacks {want:?}");
    }
    let claim = pvc["metadata"]["name"].as_str().expect("pvc name");
    assert_eq!(
        pvc["spec"]["accessModes"],
        serde_json::json!(["ReadWriteMany"])
    );
    for job in [&plan, &shards, &merge] {
        assert_eq!(job["kind"], "Job");
        assert_eq!(job["apiVersion"], "batch/v1");
        let pod = &job["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Never");
        assert_eq!(
            pod["volumes"][0]["persistentVolumeClaim"]["claimName"],
            claim
        );
        let c = container(job);
        assert_eq!(c["volumeMounts"][0]["name"], pod["volumes"][0]["name"]);
        assert_eq!(c["volumeMounts"][0]["mountPath"], "/data");
        assert_eq!(c["image"], container(&shards)["image"], "one image");
        assert_eq!(env_value(job, "JIXIAO_OUT"), "/data/out");
    }
}

/// Runs a Job's command line here as its pod would: its env, `overrides` for the volume's
/// paths, `jixiao` on PATH.
fn run_pod(job: &Value, bin_dir: &Path, overrides: &[(&str, &Path)], index: Option<u64>) -> i32 {
    let mut c = Command::new("/bin/sh");
    c.arg("-c").arg(script(job)).current_dir(root());
    for (k, v) in env_of(job) {
        c.env(k, v);
    }
    for (k, v) in overrides {
        c.env(k, v);
    }
    if let Some(i) = index {
        c.env("JOB_COMPLETION_INDEX", i.to_string());
    }
    let path = std::env::var("PATH").unwrap_or_default();
    c.env("PATH", format!("{}:{path}", bin_dir.display()));
    let o = c.output().expect("sh");
    eprintln!(
        "{} {index:?} → {:?}\n{}",
        job["metadata"]["name"],
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    o.status.code().unwrap_or(-1)
}

#[test]
fn indexed_job_commands_run_per_index_and_merge_to_the_single_run() {
    let plan = yaml(&manifest("plan-job.yaml"));
    let shards = yaml(&manifest("shards-job.yaml"));
    let merge = yaml(&manifest("merge-job.yaml"));
    let n = shards["spec"]["completions"].as_u64().expect("completions");
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin_dir = tmp.path().join("bin");
    std::fs::create_dir_all(&bin_dir).expect("mkdir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_jixiao"), bin_dir.join("jixiao")).expect("ln");
    let input = tmp.path().join("in");
    copy_dir(&root().join("samples/text"), &input.join("text"));
    // An input that fails (an HTML page saved as .pdf): its shard exits 1 and is done all the same.
    std::fs::write(
        input.join("text/broken.pdf"),
        "<html>502 Bad Gateway</html>",
    )
    .expect("write");
    let out = tmp.path().join("out");
    let vols: [(&str, &Path); 2] = [("JIXIAO_IN", &input), ("JIXIAO_OUT", &out)];

    let single = tmp.path().join("single");
    let o = run(&[&input], &single, &["--no-progress"]);
    assert_eq!(code(&o), 1, "the broken input fails the single run");

    // Before its shards have run, the merge refuses, naming them, and writes nothing.
    assert_eq!(run_pod(&plan, &bin_dir, &vols, None), 0, "plan");
    let o = bin().arg("merge").arg(&out).output().expect("merge");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("merge refused") && err.contains("shard 0 ("),
        "{err}"
    );
    assert!(!out.join("merged.json").exists() && !out.join("records.jsonl").exists());
    // A shard count other than the plan's is a usage error.
    let o = bin()
        .args(["run", "--shard", "0/7", "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("has {n} shards")));

    let pods = |expect_sent: u64| {
        assert_eq!(run_pod(&plan, &bin_dir, &vols, None), 0, "plan");
        let p = cluster_common::plan(&out);
        let sent: u64 = p["shard_inputs"]
            .as_array()
            .expect("shard_inputs")
            .iter()
            .filter_map(Value::as_u64)
            .sum();
        assert_eq!(sent, expect_sent, "{}", p["shard_inputs"]);
        for i in 0..n {
            assert_eq!(run_pod(&shards, &bin_dir, &vols, Some(i)), 0, "index {i}");
        }
        assert_eq!(run_pod(&merge, &bin_dir, &vols, None), 0, "merge");
        assert_same_outputs(&single, &out);
    };
    pods(5);
    let m = merged(&out);
    assert_eq!(m["exit_code"], 1, "the merge saw the broken input fail");
    assert_eq!(m["shards"].as_array().map(Vec::len), Some(n as usize));
    // The broken input fails when probed: counted failed, not processed.
    assert_eq!(processed_by_shards(&out), 4);
    assert!(
        errors_of(&out, "broken.pdf").len() == 1,
        "{:?}",
        errors(&out)
    );

    // A shard's list is a plain list of files: `run --files-from` takes it as it is.
    let p = cluster_common::plan(&out);
    let list = out.join("shards/000.list");
    let listed = std::fs::read_to_string(&list).expect("000.list");
    let want = p["shard_inputs"][0].as_u64().expect("shard 0");
    assert_eq!(listed.lines().count() as u64, want);
    let by_list = tmp.path().join("by-list");
    let o = bin()
        .args(["run", "--no-progress", "--files-from"])
        .arg(&list)
        .arg("-o")
        .arg(&by_list)
        .output()
        .expect("run");
    assert!(code(&o) <= 1, "{}", String::from_utf8_lossy(&o.stderr));
    let paths: Vec<String> = run_json(&by_list)["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths, listed.lines().map(str::to_owned).collect::<Vec<_>>());

    // A rerun after adding one file: only that file goes to a shard.
    add_one_text(&input);
    let o = run(&[&input], &single, &["--no-progress"]);
    assert_eq!(code(&o), 1);
    assert_eq!(run_json(&single)["counts"]["processed"], 1);
    // The failed input has no stored result, so it is planned again with the new file (and
    // fails again, unread); only the new file is read.
    pods(2);
    assert_eq!(processed_by_shards(&out), 1);
    assert_eq!(merged(&out)["counts"]["inputs"], 6);
}

//! jixiao on a real Slurm cluster: Debian 12's slurm-wlm and munge run a one-node cluster on
//! localhost (tests/slurm/cluster.sh, as root, no systemd), the samples go through
//! deploy/slurm/submit.sh in 3 shards (sbatch job array + merge job), and
//! - the merged records, tables and indicators.csv equal a single run's byte for byte;
//! - a rerun after adding one file sends only that file to the shards;
//! - a task whose inputs partly failed (exit 1) counts as done: the merge runs;
//! - a shard made to fail stops the merge (cancelled, never left pending), no marker is written
//!   and submit.sh names the shard with its log.
//!
//! The cluster is stopped by the test, by process id (also when an assertion fails).
//!
//! Needs root and the packages (`scripts/setup.sh` installs them for `make test`); elsewhere
//! the test says why it did not run.

mod batch_common;
mod cluster_common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use batch_common::*;
use cluster_common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Why this machine cannot run a cluster, if it cannot.
fn cannot_run() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("not root (munged and slurmd run as root here)".into());
    }
    for b in [
        "/usr/sbin/slurmctld",
        "/usr/sbin/slurmd",
        "/usr/sbin/munged",
        "/usr/bin/sbatch",
    ] {
        if !Path::new(b).exists() {
            return Some(format!(
                "{b} missing (scripts/setup.sh installs slurm-wlm and munge)"
            ));
        }
    }
    None
}

/// The running cluster; dropping it stops its daemons by the pids it recorded.
struct Cluster {
    dir: PathBuf,
    slurm_conf: String,
}

impl Cluster {
    fn start(dir: PathBuf) -> Cluster {
        let o = Command::new("bash")
            .arg(root().join("tests/slurm/cluster.sh"))
            .arg("start")
            .arg(&dir)
            .output()
            .expect("cluster.sh");
        // Whatever happened, stop what was started.
        let c = Cluster {
            dir: dir.clone(),
            slurm_conf: dir.join("slurm/slurm.conf").to_string_lossy().into_owned(),
        };
        assert!(
            o.status.success(),
            "cluster did not start:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        c
    }

    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(root()).env("SLURM_CONF", &self.slurm_conf);
        c
    }

    /// `deploy/slurm/submit.sh INPUT OUT N` with `jixiao` the given binary.
    fn submit(&self, jixiao: &Path, input: &Path, out: &Path, n: usize) -> Output {
        let o = self
            .cmd("bash")
            .arg(root().join("deploy/slurm/submit.sh"))
            .arg(input)
            .arg(out)
            .arg(n.to_string())
            .env("JIXIAO", jixiao)
            .env("JIXIAO_POLL", "0.5")
            .env("JIXIAO_TIMEOUT", "600")
            .output()
            .expect("submit.sh");
        eprintln!(
            "submit.sh {} → {:?}\n{}{}",
            out.display(),
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        o
    }

    /// Jobs still known to squeue as queued or running.
    fn queued(&self) -> String {
        let o = self
            .cmd("squeue")
            .args(["-h", "-o", "%i %j %T"])
            .output()
            .expect("squeue");
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(root().join("tests/slurm/cluster.sh"))
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_jixiao"))
}

#[test]
fn samples_in_three_sbatch_shards_merge_to_the_single_run_and_a_failed_shard_stops_the_merge() {
    if let Some(why) = cannot_run() {
        eprintln!("SKIPPED: no Slurm cluster on this machine: {why}");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cluster = Cluster::start(tmp.path().join("cluster"));
    let input = tmp.path().join("in");
    copy_dir(&root().join("samples"), &input);

    // One machine.
    let single = tmp.path().join("single");
    let o = run(&[&input], &single, &["--no-progress"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let n_inputs = run_json(&single)["counts"]["inputs"]
        .as_u64()
        .expect("inputs");
    assert_eq!(n_inputs, 8);

    // The cluster: 3 shards, merged.
    let out = tmp.path().join("out");
    let o = cluster.submit(&bin_path(), &input, &out, 3);
    assert_eq!(code(&o), 0, "submit.sh failed");
    assert_same_outputs(&single, &out);
    let m = merged(&out);
    assert_eq!(m["exit_code"], 0);
    assert_eq!(m["shards"].as_array().map(Vec::len), Some(3), "{m}");
    assert_eq!(
        processed_by_shards(&out),
        n_inputs,
        "every input read once, by its shard"
    );
    assert_eq!(m["counts"]["pages_read"], 0, "the merge reads no page");
    for s in m["shards"].as_array().expect("shards") {
        assert!(
            s["inputs"].as_u64().unwrap_or(0) > 0,
            "pages spread over all 3 shards: {m}"
        );
    }
    assert!(out.join("logs/shard-0.out").is_file() && out.join("logs/merge.out").is_file());
    assert_eq!(cluster.queued(), "", "nothing left queued");

    // A rerun after adding one file processes only that file.
    add_one_text(&input);
    let o = run(&[&input], &single, &["--no-progress"]);
    assert_eq!(code(&o), 0);
    assert_eq!(run_json(&single)["counts"]["processed"], 1);
    let o = cluster.submit(&bin_path(), &input, &out, 3);
    assert_eq!(code(&o), 0, "rerun: submit.sh failed");
    let p = plan(&out);
    let sent: u64 = p["shard_inputs"]
        .as_array()
        .expect("shard_inputs")
        .iter()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(
        sent, 1,
        "only the new file is planned: {}",
        p["shard_inputs"]
    );
    assert_eq!(processed_by_shards(&out), 1);
    assert_eq!(merged(&out)["counts"]["inputs"], n_inputs + 1);
    assert_same_outputs(&single, &out);

    // A task whose inputs partly failed (jixiao exit 1) is done: the merge runs, and says so.
    let partly = tmp.path().join("in-partly");
    copy_dir(&root().join("samples/text"), &partly);
    std::fs::write(partly.join("broken.pdf"), "<html>502 Bad Gateway</html>").expect("write");
    let single_partly = tmp.path().join("single-partly");
    assert_eq!(
        code(&run(&[&partly], &single_partly, &["--no-progress"])),
        1
    );
    let out_partly = tmp.path().join("out-partly");
    let o = cluster.submit(&bin_path(), &partly, &out_partly, 2);
    assert_eq!(code(&o), 1, "merged, with a failed input");
    assert_eq!(merged(&out_partly)["exit_code"], 1);
    assert_same_outputs(&single_partly, &out_partly);
    assert_eq!(errors_of(&out_partly, "broken.pdf").len(), 1);

    // A shard made to fail (its binary exits 3 in task 1) stops the merge.
    let failing = tmp.path().join("failing-jixiao");
    std::fs::write(
        &failing,
        format!(
            "#!/bin/sh\nif [ \"$1\" = run ] && [ \"${{SLURM_ARRAY_TASK_ID:-}}\" = 1 ]; then\n  echo 'injected failure: shard 1 cannot run' >&2; exit 3\nfi\nexec '{}' \"$@\"\n",
            bin_path().display()
        ),
    )
    .expect("write wrapper");
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out2 = tmp.path().join("out-failing");
    let o = cluster.submit(&failing, &root().join("samples/text"), &out2, 3);
    assert_eq!(code(&o), 3, "a failed shard must fail the submission");
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        "the merge did not run",
        "shard 1: FAILED",
        "JobState=FAILED",
        "injected failure: shard 1 cannot run",
        "shard 0: done",
        "never started: cancelled by Slurm",
    ] {
        assert!(err.contains(want), "report lacks {want:?}:\n{err}");
    }
    assert!(
        !out2.join("merged.json").exists(),
        "no marker without a merge"
    );
    assert!(
        !out2.join("records.jsonl").exists(),
        "no outputs without a merge"
    );
    assert_eq!(cluster.queued(), "", "the merge is not left pending");

    // `jixiao merge` run by hand refuses too, naming the shard.
    let o = bin().arg("merge").arg(&out2).output().expect("merge");
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("merge refused") && err.contains("shard 1"),
        "{err}"
    );
    drop(cluster);
}

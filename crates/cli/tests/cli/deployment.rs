//! The deployment examples in `docs/deployment` parse and name only options their programs know:
//! the systemd unit (checked by `systemd-analyze verify`, with its sandboxing) and the torrc
//! (checked by `tor --verify-config`, with the onion service's proof-of-work defence). Without
//! the tools the test is skipped, unless `NETREACH_TEST_TOOLS=required` (as in CI).

use super::*;

fn tool(name: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert_ne!(
            std::env::var("NETREACH_TEST_TOOLS").as_deref(),
            Ok("required"),
            "{name} is required (NETREACH_TEST_TOOLS=required) but not installed"
        );
        eprintln!("skipped: {name} is not installed");
    }
    found
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../docs/deployment/{name}")),
    )
    .unwrap()
}

#[tokio::test]
async fn the_systemd_unit_is_sandboxed_and_names_only_options_systemd_knows() {
    let unit = example("netreach.service.example");
    for hardening in [
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ReadWritePaths=/var/lib/netreach",
        "ExecStart=/usr/local/bin/netreach --data /var/lib/netreach serve",
    ] {
        assert!(unit.contains(hardening), "the unit lacks {hardening}");
    }
    if !tool("systemd-analyze") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("netreach.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/netreach", BIN)).unwrap();
    let checked = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .await
        .unwrap();
    // systemd only warns about an unknown or misspelt option: any word from it is a failure.
    let said = String::from_utf8_lossy(&checked.stderr).into_owned();
    assert!(checked.status.success() && said.trim().is_empty(), "{said}");
}

#[tokio::test]
async fn the_torrc_has_the_proof_of_work_defence_and_tor_accepts_it() {
    let torrc = example("torrc.example");
    for option in [
        "HiddenServicePoWDefensesEnabled 1",
        "HiddenServiceMaxStreamsCloseCircuit 1",
        "HiddenServicePort 80 127.0.0.1:8080",
        "onion_location",
    ] {
        assert!(torrc.contains(option), "the torrc example lacks {option}");
    }
    if !tool("tor") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let service = dir.path().join("hs");
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&service).unwrap();
    let config = format!(
        "DataDirectory {}\nSocksPort 0\n{}",
        dir.path().join("data").display(),
        torrc.replace("/var/lib/tor/netreach/", &format!("{}/", service.display()))
    );
    let path = dir.path().join("torrc");
    std::fs::write(&path, config).unwrap();
    let checked = Command::new("tor")
        .arg("--verify-config")
        .arg("-f")
        .arg(&path)
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&checked.stdout).into_owned();
    assert!(checked.status.success(), "{said}");
    assert!(said.contains("Configuration was valid"), "{said}");
}

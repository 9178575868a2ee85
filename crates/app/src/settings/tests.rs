#![allow(clippy::result_large_err)] // figment::Jail closures return figment::Error
use super::*;

#[test]
fn urls_are_masked() {
    assert_eq!(
        mask_url("postgres://app:s3cret@db:5432/netreach"),
        "postgres://app:********@db:5432/netreach"
    );
    assert_eq!(
        mask_url("postgres://app@db/netreach"),
        "postgres://app@db/netreach"
    );
    assert_eq!(
        mask_url("sqlite:///x/netreach.db"),
        "sqlite:///x/netreach.db"
    );
}

#[test]
fn origins() {
    assert_eq!(origin_of("http://abc.onion/"), "http://abc.onion");
    assert_eq!(origin_of("https://x.org:8443/path"), "https://x.org:8443");
    let settings = Settings {
        public_url: Some("http://abc.onion".into()),
        ..Settings::default()
    };
    assert!(settings.origin_allowed("http://abc.onion", None));
    assert!(settings.origin_allowed("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
    assert!(!settings.origin_allowed("http://evil.example", Some("127.0.0.1:8080")));
    assert!(!settings.origin_allowed("http://evil.example", Some("evil.example")));
}

#[test]
fn with_a_public_url_only_its_hosts_and_loopback_are_served() {
    let open = Settings::default();
    assert!(open.host_allowed(Some("anything.example")));
    let settings = Settings {
        public_url: Some("https://help.example.org/".into()),
        onion_location: Some("http://abc.onion".into()),
        ..Settings::default()
    };
    for host in [
        "help.example.org",
        "HELP.example.org:443",
        "abc.onion",
        "abc.onion:80",
        "127.0.0.1:8080",
        "localhost:8080",
        "[::1]:8080",
    ] {
        assert!(settings.host_allowed(Some(host)), "{host}");
    }
    for host in [
        "evil.example",
        "help.example.org:8443",
        "abc.onion.evil.example",
        "127.0.0.2.nip.io",
    ] {
        assert!(!settings.host_allowed(Some(host)), "{host}");
    }
    assert!(!settings.host_allowed(None));
}

fn load_in_jail(overrides: &Overrides) -> Result<Settings, figment::Error> {
    Settings::load(overrides).map_err(|e| figment::Error::from(e.to_string()))
}

#[test]
fn precedence_is_defaults_then_file_then_env_then_command_line() {
    figment::Jail::expect_with(|jail| {
        let defaults = load_in_jail(&Overrides::default())?;
        assert_eq!(defaults.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(defaults.data, PathBuf::from("netreach-data"));
        assert_eq!(defaults.session.idle_minutes, 120);

        jail.create_dir("netreach-data")?;
        jail.create_file(
            "netreach-data/netreach.toml",
            "listen = \"127.0.0.1:9000\"\norg_name = \"From file\"\n[session]\nidle_minutes = 30\nmax_hours = 4\n",
        )?;
        let from_file = load_in_jail(&Overrides::default())?;
        assert_eq!(from_file.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(from_file.org_name, "From file");
        assert_eq!(from_file.session.idle_minutes, 30);

        jail.set_env("NETREACH_LISTEN", "127.0.0.1:9100");
        jail.set_env("NETREACH_SESSION__IDLE_MINUTES", "45");
        jail.set_env("NETREACH_TEST_POSTGRES_URL", "postgres://ignored");
        jail.set_env("NETREACH_TEST_BROWSER", "required");
        let from_env = load_in_jail(&Overrides::default())?;
        assert_eq!(from_env.listen.to_string(), "127.0.0.1:9100");
        assert_eq!(from_env.session.idle_minutes, 45);
        assert_eq!(
            from_env.session.max_hours, 4,
            "file value kept where env is silent"
        );
        assert_eq!(from_env.org_name, "From file");

        let cli = Overrides {
            listen: Some("127.0.0.1:9200".parse().map_err(|e| format!("{e}"))?),
            ..Overrides::default()
        };
        assert_eq!(load_in_jail(&cli)?.listen.to_string(), "127.0.0.1:9200");
        Ok(())
    });
}

#[test]
fn the_crisis_line_and_naloxone_contact_are_optional_and_read_from_the_environment() {
    figment::Jail::expect_with(|jail| {
        let defaults = load_in_jail(&Overrides::default())?;
        assert_eq!(defaults.conversations.crisis_line, None);
        assert_eq!(defaults.conversations.naloxone_contact, None);
        jail.set_env("NETREACH_CONVERSATIONS__CRISIS_LINE", "116123");
        jail.set_env("NETREACH_CONVERSATIONS__EMERGENCY_NUMBER", "000");
        jail.set_env("NETREACH_CONVERSATIONS__NALOXONE_CONTACT", "+372 600 0000");
        jail.set_env("NETREACH_NOTIFY__TELEGRAM_CHAT_ID", "-1001234567890");
        let set = load_in_jail(&Overrides::default())?;
        assert_eq!(
            set.notify.telegram_chat_id.as_deref(),
            Some("-1001234567890"),
            "a Telegram chat id from the environment is text"
        );
        assert_eq!(set.conversations.crisis_line.as_deref(), Some("116123"));
        assert_eq!(
            set.conversations.emergency_number, "000",
            "digits kept as typed"
        );
        assert_eq!(
            set.conversations.naloxone_contact.as_deref(),
            Some("+372 600 0000")
        );
        jail.set_env("NETREACH_CONVERSATIONS__CRISIS_LINE", " ");
        let refused = load_in_jail(&Overrides::default()).unwrap_err();
        assert!(
            refused.to_string().contains("conversations.crisis_line"),
            "{refused}"
        );
        Ok(())
    });
}

#[test]
fn the_data_dir_from_the_environment_decides_where_the_file_is_found() {
    figment::Jail::expect_with(|jail| {
        jail.create_dir("elsewhere")?;
        jail.create_file("elsewhere/netreach.toml", "org_name = \"Elsewhere\"\n")?;
        jail.set_env("NETREACH_DATA", "elsewhere");
        assert_eq!(load_in_jail(&Overrides::default())?.org_name, "Elsewhere");
        let explicit = Overrides {
            data: Some(PathBuf::from("nowhere")),
            ..Overrides::default()
        };
        assert_eq!(load_in_jail(&explicit)?.org_name, "Netreach");
        Ok(())
    });
}

#[test]
fn require_totp_takes_its_three_words_and_refuses_others() {
    figment::Jail::expect_with(|jail| {
        assert_eq!(
            load_in_jail(&Overrides::default())?.session.require_totp,
            RequireTotp::None
        );
        jail.set_env("NETREACH_SESSION__REQUIRE_TOTP", "admins");
        assert_eq!(
            load_in_jail(&Overrides::default())?.session.require_totp,
            RequireTotp::Admins
        );
        jail.set_env("NETREACH_SESSION__REQUIRE_TOTP", "everyone");
        assert_eq!(
            load_in_jail(&Overrides::default())?.session.require_totp,
            RequireTotp::Everyone
        );
        jail.set_env("NETREACH_SESSION__REQUIRE_TOTP", "all");
        let error = load_in_jail(&Overrides::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.to_lowercase().contains("require_totp"), "{error}");
        assert!(error.contains("everyone"), "{error}");
        Ok(())
    });
    assert!(RequireTotp::Admins.applies_to(netreach_core::Role::Admin));
    assert!(!RequireTotp::Admins.applies_to(netreach_core::Role::Supervisor));
    assert!(RequireTotp::Everyone.applies_to(netreach_core::Role::Worker));
    assert!(!RequireTotp::None.applies_to(netreach_core::Role::Admin));
}

#[test]
fn unknown_keys_are_refused_by_name() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("custom.toml", "lisen = \"127.0.0.1:1\"\n")?;
        let overrides = Overrides {
            config_file: Some(PathBuf::from("custom.toml")),
            ..Overrides::default()
        };
        let error = Settings::load(&overrides)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("lisen"), "{error}");
        std::fs::remove_file("custom.toml").map_err(|e| e.to_string())?;
        jail.set_env("NETREACH_SESION__IDLE_MINUTES", "5");
        let error = Settings::load(&Overrides::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("sesion"), "{error}");
        Ok(())
    });
}

#[test]
fn a_config_file_without_a_data_key_names_its_own_directory_as_the_data_directory() {
    figment::Jail::expect_with(|jail| {
        jail.create_dir("etc")?;
        jail.create_file("etc/netreach.toml", "org_name = \"Test\"\n")?;
        jail.create_file("etc/with-data.toml", "data = \"/srv/netreach\"\n")?;
        let load = |file: &str| {
            Settings::load(&Overrides {
                config_file: Some(PathBuf::from(file)),
                ..Overrides::default()
            })
            .map_err(|e| e.to_string())
        };
        let own = load("etc/netreach.toml")?;
        assert_eq!(
            own.data,
            std::path::absolute("etc").map_err(|e| e.to_string())?
        );
        assert_eq!(
            load("etc/with-data.toml")?.data,
            PathBuf::from("/srv/netreach")
        );
        jail.set_env("NETREACH_DATA", "/from/env");
        assert_eq!(load("etc/netreach.toml")?.data, PathBuf::from("/from/env"));
        Ok(())
    });
}

#[test]
fn the_backup_passphrase_is_read_from_its_file_and_never_shown() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("pass", "correct horse battery staple\n")?;
        jail.set_env("NETREACH_BACKUP__PASSPHRASE_FILE", "pass");
        let settings = Settings::load(&Overrides::default()).map_err(|e| e.to_string())?;
        let passphrase = settings.backup.passphrase().map_err(|e| e.to_string())?;
        assert_eq!(
            passphrase.map(|p| p.expose_secret().to_owned()).as_deref(),
            Some("correct horse battery staple")
        );
        jail.set_env("NETREACH_BACKUP__PASSPHRASE", "inline secret words here");
        let settings = Settings::load(&Overrides::default()).map_err(|e| e.to_string())?;
        let shown = settings.masked_toml();
        assert!(!shown.contains("inline secret"), "{shown}");
        assert!(shown.contains("passphrase = \"********\""), "{shown}");
        Ok(())
    });
}

#[test]
fn a_missing_config_file_given_on_the_command_line_is_an_error() {
    figment::Jail::expect_with(|_| {
        let overrides = Overrides {
            config_file: Some(PathBuf::from("missing.toml")),
            ..Overrides::default()
        };
        assert!(Settings::load(&overrides).is_err());
        Ok(())
    });
}

#[test]
fn weak_secrets_are_refused_and_secret_files_are_read() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("NETREACH_SERVER_SECRET", "");
        let error = Settings::load(&Overrides::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("server secret is empty"), "{error}");
        jail.set_env(
            "NETREACH_SERVER_SECRET",
            "change-me-change-me-change-me-change-me",
        );
        let error = Settings::load(&Overrides::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("placeholder"), "{error}");
        jail.set_env("NETREACH_SERVER_SECRET", "too-short");
        assert!(Settings::load(&Overrides::default()).is_err());
        jail.clear_env();

        jail.create_file("secret.txt", "a-secret-from-a-file-0123456789-abcdef\n")?;
        jail.set_env("NETREACH_SERVER_SECRET_FILE", "secret.txt");
        let settings = load_in_jail(&Overrides::default())?;
        assert!(settings.server_secret().is_ok());
        jail.create_file("empty.txt", "")?;
        jail.set_env("NETREACH_SERVER_SECRET_FILE", "empty.txt");
        assert!(
            load_in_jail(&Overrides::default())?
                .server_secret()
                .is_err()
        );

        jail.create_file("db-url.txt", "postgres://app:pw@db/netreach\n")?;
        jail.set_env("NETREACH_DATABASE_URL_FILE", "db-url.txt");
        let settings = load_in_jail(&Overrides::default())?;
        assert_eq!(
            settings
                .database_url()
                .map_err(|e| e.to_string())?
                .expose_secret(),
            "postgres://app:pw@db/netreach"
        );
        Ok(())
    });
}

#[test]
fn a_generated_secret_is_private_and_reused() {
    figment::Jail::expect_with(|_| {
        let settings = load_in_jail(&Overrides::default())?;
        let first = settings.server_secret().map_err(|e| e.to_string())?;
        let path = settings.data.join(SECRET_FILE_NAME);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map_err(|e| e.to_string())?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let again = settings.server_secret().map_err(|e| e.to_string())?;
        assert_eq!(
            std::fs::read_to_string(&path).map_err(|e| e.to_string())?,
            text
        );
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        Ok(())
    });
}

#[test]
fn config_check_output_masks_secrets() {
    let settings = Settings {
        database_url: Some(SecretString::from(
            "postgres://app:hunter2hunter2@db/netreach".to_owned(),
        )),
        server_secret: Some(SecretString::from(
            "a-very-long-server-secret-value-0123456789".to_owned(),
        )),
        ..Settings::default()
    };
    let shown = settings.masked_toml();
    assert!(!shown.contains("hunter2hunter2"), "{shown}");
    assert!(
        !shown.contains("a-very-long-server-secret-value"),
        "{shown}"
    );
    assert!(
        shown.contains("postgres://app:********@db/netreach"),
        "{shown}"
    );
    assert!(shown.contains("server_secret = \"********\""), "{shown}");
}

#[test]
fn email_and_quick_exit_settings_come_from_the_environment_and_are_checked() {
    figment::Jail::expect_with(|jail| {
        let defaults = load_in_jail(&Overrides::default())?;
        assert!(!defaults.email.enabled());
        assert!(defaults.quick_exit_url.starts_with("https://"));
        jail.set_env("NETREACH_EMAIL__SMTP_URL", "smtp://127.0.0.1:2525");
        jail.set_env("NETREACH_EMAIL__FROM", "Netreach <netreach@example.org>");
        jail.set_env("NETREACH_QUICK_EXIT_URL", "https://weather.example.org/");
        let set = load_in_jail(&Overrides::default())?;
        assert!(set.email.enabled());
        assert_eq!(
            set.email.from.as_deref(),
            Some("Netreach <netreach@example.org>")
        );
        assert_eq!(set.quick_exit_url, "https://weather.example.org/");
        jail.set_env("NETREACH_EMAIL__SMTP_URL", "http://mail.example.org");
        assert!(load_in_jail(&Overrides::default()).is_err(), "not SMTP");
        jail.set_env(
            "NETREACH_EMAIL__SMTP_URL",
            "smtp://mail.example.org?tls=none",
        );
        assert!(
            load_in_jail(&Overrides::default()).is_err(),
            "TLS turned off"
        );
        jail.set_env(
            "NETREACH_EMAIL__SMTP_URL",
            "smtps://u:hunter2hunter2@mail.example.org",
        );
        jail.set_env("NETREACH_EMAIL__FROM", "not an address");
        assert!(load_in_jail(&Overrides::default()).is_err(), "bad sender");
        jail.set_env("NETREACH_EMAIL__FROM", "netreach@example.org");
        jail.set_env("NETREACH_QUICK_EXIT_URL", "javascript:alert(1)");
        assert!(load_in_jail(&Overrides::default()).is_err(), "quick exit");
        jail.set_env("NETREACH_QUICK_EXIT_URL", "https://weather.example.org/");
        let shown = load_in_jail(&Overrides::default())?.masked_toml();
        assert!(!shown.contains("hunter2hunter2"), "{shown}");
        Ok(())
    });
}

//! The `[push]` section: Web Push to staff members' browsers.

use serde::{Deserialize, Serialize};

/// The push services of the common browsers (Chrome and Edge through Google's, Firefox through
/// Mozilla's, Safari through Apple's, and Windows' own).
pub const DEFAULT_ENDPOINT_HOSTS: [&str; 4] = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "web.push.apple.com",
    "notify.windows.com",
];

/// Web Push is on when `subject` is set. The server's own key (VAPID) is made on first use and
/// kept in the database, encrypted under the server secret, so every node signs with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PushSettings {
    /// How the push services can reach the organisation about its pushes: `mailto:` an address
    /// or an `https://` page. Required by the push services; setting it turns Web Push on.
    pub subject: Option<String>,
    /// The push services a browser's subscription may point at: a host, or a domain whose
    /// subdomains are accepted too. The server posts only to these, over HTTPS (plain HTTP only
    /// to a loopback host listed here, for tests).
    pub endpoint_hosts: Vec<String>,
    /// How long a push service keeps a notification for a browser that is offline, in minutes.
    pub ttl_minutes: u32,
}

impl Default for PushSettings {
    fn default() -> Self {
        PushSettings {
            subject: None,
            endpoint_hosts: DEFAULT_ENDPOINT_HOSTS.map(str::to_owned).to_vec(),
            ttl_minutes: 240,
        }
    }
}

impl PushSettings {
    /// Whether Web Push is configured.
    pub fn enabled(&self) -> bool {
        self.subject.is_some()
    }

    /// What is wrong with the section, if anything.
    pub fn problem(&self) -> Option<String> {
        if let Some(subject) = &self.subject
            && !(subject.starts_with("mailto:") || subject.starts_with("https://"))
        {
            return Some("push.subject must start with mailto: or https://".into());
        }
        if self.ttl_minutes == 0 || self.ttl_minutes > 7 * 24 * 60 {
            return Some("push.ttl_minutes must be between 1 and 10080 (a week)".into());
        }
        None
    }

    /// Whether the server may post to `host` (`scheme` `https`, or `http` to a listed
    /// loopback host).
    pub fn endpoint_allowed(&self, scheme: &str, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let listed = self.endpoint_hosts.iter().any(|allowed| {
            let allowed = allowed.to_ascii_lowercase();
            host == allowed
                || host
                    .strip_suffix(allowed.as_str())
                    .is_some_and(|sub| sub.ends_with('.'))
        });
        listed && (scheme == "https" || (scheme == "http" && super::is_loopback_host(&host)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_push_services_over_https_are_accepted() {
        let push = PushSettings::default();
        assert!(push.endpoint_allowed("https", "fcm.googleapis.com"));
        assert!(push.endpoint_allowed("https", "wns2-par02p.notify.windows.com"));
        assert!(!push.endpoint_allowed("https", "evilnotify.windows.com"));
        assert!(!push.endpoint_allowed("http", "fcm.googleapis.com"));
        assert!(!push.endpoint_allowed("https", "127.0.0.1"));
        let tests = PushSettings {
            endpoint_hosts: vec!["127.0.0.1".into(), "example.org".into()],
            ..PushSettings::default()
        };
        assert!(tests.endpoint_allowed("http", "127.0.0.1"));
        assert!(!tests.endpoint_allowed("http", "example.org"));
    }
}

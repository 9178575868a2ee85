//! Staff notifications as rules: which events exist, which ways a person can be told, who is
//! mentioned in a note, and whether a person is to be told now (shift, quiet hours, on call).
//!
//! A notification never carries content: only its [`Event`], a conversation (or other) reference
//! and a console link. These types hold nothing else.

use crate::availability::Hours;
use crate::transition::text_enum;

text_enum! {
    /// Something a staff member can choose to be told about. The words are the keys of the
    /// notification settings in the API (`PUT /api/v1/staff/me/notifications`).
    Event {
        /// A new conversation is waiting.
        NewConversation => "new_conversation",
        /// The client wrote in a conversation assigned to me.
        ClientReplyAssigned => "client_reply_assigned",
        /// The client wrote in a conversation nobody is assigned to.
        ClientReplyUnassigned => "client_reply_unassigned",
        /// Someone else assigned a conversation to me.
        Assigned => "assigned",
        /// Someone wrote `@my-username` in an internal note.
        Mentioned => "mentioned",
        /// An urgent conversation (an overdose) is waiting.
        Urgent => "urgent",
        /// A conversation waited longer than its first-response target.
        TargetBreached => "target_breached",
        /// Someone reported a drug through the public form.
        AlertReport => "alert_report",
        /// A post waits for a second person's approval.
        PostApproval => "post_approval",
        /// A content revision waits for review.
        ContentReview => "content_review",
    }
}

text_enum! {
    /// A way to tell a person. `Console` is always available; the others only when an admin has
    /// configured them (and the person has, for email, given an address).
    Transport {
        /// The console's list of notices and the unread count in its navigation.
        Console => "console",
        Email => "email",
        /// A message from the organisation's bot to the person's own Telegram account.
        Telegram => "telegram",
        /// Web Push to the person's browser.
        Push => "push",
    }
}

impl Event {
    /// Events that go to the on-call person at any time, past shifts and quiet hours.
    pub fn is_urgent(self) -> bool {
        matches!(self, Event::Urgent | Event::TargetBreached)
    }
}

/// The `@username` mentions in a text, lower-cased, without duplicates, in order of first
/// appearance. A mention starts at the beginning or after a character that cannot be part of a
/// username or an e-mail address, so `anna@example.org` mentions nobody.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = c == '@'
            && previous.is_none_or(|p| !(p.is_alphanumeric() || matches!(p, '_' | '-' | '.')));
        previous = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .collect();
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// What a person set about when they may be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reachability {
    /// Not told (except of urgent events, see [`reaches`]) between these local times.
    pub quiet: Option<QuietHours>,
    /// Told of urgent events at any time, whatever the shift and quiet hours.
    pub on_call: bool,
}

/// Quiet hours as local minutes of the day, `start` to `end`; `start > end` wraps midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: u16,
    pub end: u16,
}

impl QuietHours {
    /// Parses `HH:MM-HH:MM`; the end may be earlier than the start (overnight). Empty: none.
    pub fn parse(input: &str) -> Result<Option<QuietHours>, crate::availability::HoursError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let (start, end) = input
            .split_once('-')
            .ok_or(crate::availability::HoursError::Format)?;
        // `Hours::parse` checks the format of each side; a range of one minute is always valid.
        let minute = |hhmm: &str| -> Result<u16, crate::availability::HoursError> {
            let probe = format!("{}-24:00", hhmm.trim());
            match Hours::parse(&probe) {
                Ok(Some(h)) => Ok(h.open),
                Ok(None) => Err(crate::availability::HoursError::Format),
                // 24:00-24:00 is refused as out of order; midnight is written 00:00.
                Err(e) => Err(e),
            }
        };
        let (start, end) = (minute(start)?, minute(end)?);
        if start == end {
            return Err(crate::availability::HoursError::Order);
        }
        Ok(Some(QuietHours { start, end }))
    }

    /// Whether a local minute of the day falls in these quiet hours.
    pub fn contains(self, minute: u16) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// The situation a notification is sent into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// Whether the team is on shift now: inside the working hours, or no working hours are set
    /// (a team that set none is taken to be always on shift, so nothing is silently dropped).
    pub on_shift: bool,
    /// The organisation's local minute of the day.
    pub minute: u16,
    /// Whether anyone who chose this event is on call.
    pub anyone_on_call: bool,
}

/// Whether a person who chose an event is told of it now by a transport that reaches them
/// outside the console (email, Telegram, push). The console always records the notice.
///
/// - Off shift or in their quiet hours, nobody is told of an ordinary event.
/// - Urgent events go to the on-call people at any time; when nobody who chose the event is on
///   call, they go to everyone who chose it, at any time: an urgent event is never dropped
///   because nobody set up a rota.
pub fn reaches(event: Event, person: Reachability, now: Moment) -> bool {
    if event.is_urgent() && (person.on_call || !now.anyone_on_call) {
        return true;
    }
    now.on_shift && !person.quiet.is_some_and(|q| q.contains(now.minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_and_transport_words_are_the_api_words() {
        let words: Vec<&str> = Event::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(
            words,
            [
                "new_conversation",
                "client_reply_assigned",
                "client_reply_unassigned",
                "assigned",
                "mentioned",
                "urgent",
                "target_breached",
                "alert_report",
                "post_approval",
                "content_review"
            ]
        );
        let transports: Vec<&str> = Transport::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(transports, ["console", "email", "telegram", "push"]);
        assert_eq!("urgent".parse::<Event>().ok(), Some(Event::Urgent));
        assert!("overdose".parse::<Event>().is_err());
    }

    #[test]
    fn mentions_are_usernames_after_an_at_sign_not_email_addresses() {
        assert_eq!(
            mentions("@anna please look, cc @Boris_2. and @anna again"),
            ["anna", "boris_2"]
        );
        assert!(mentions("write to anna@example.org").is_empty());
        assert!(mentions("@ alone").is_empty());
        assert_eq!(mentions("(@vera)"), ["vera"]);
    }

    #[test]
    fn quiet_hours_may_wrap_midnight() {
        let night = QuietHours::parse("22:00-07:00").unwrap().unwrap();
        assert!(night.contains(23 * 60));
        assert!(night.contains(6 * 60 + 59));
        assert!(!night.contains(7 * 60));
        assert!(!night.contains(12 * 60));
        assert_eq!(night.to_string(), "22:00-07:00");
        let lunch = QuietHours::parse("12:00-13:00").unwrap().unwrap();
        assert!(lunch.contains(12 * 60 + 30) && !lunch.contains(13 * 60));
        assert_eq!(QuietHours::parse(" ").unwrap(), None);
        assert!(QuietHours::parse("noon").is_err());
        assert!(QuietHours::parse("10:00-10:00").is_err());
        assert!(QuietHours::parse("25:00-01:00").is_err());
    }

    #[test]
    fn ordinary_events_reach_people_on_shift_outside_their_quiet_hours() {
        let quiet = Reachability {
            quiet: QuietHours::parse("22:00-07:00").unwrap(),
            on_call: false,
        };
        let day = Moment {
            on_shift: true,
            minute: 12 * 60,
            anyone_on_call: false,
        };
        let night = Moment {
            minute: 23 * 60,
            ..day
        };
        let off = Moment {
            on_shift: false,
            ..day
        };
        assert!(reaches(Event::NewConversation, quiet, day));
        assert!(!reaches(Event::NewConversation, quiet, night));
        assert!(!reaches(Event::NewConversation, quiet, off));
        assert!(reaches(
            Event::NewConversation,
            Reachability::default(),
            night
        ));
    }

    #[test]
    fn urgent_events_go_to_the_on_call_person_at_any_time() {
        let on_call = Reachability {
            quiet: QuietHours::parse("00:00-23:59").unwrap(),
            on_call: true,
        };
        let other = Reachability::default();
        let off = Moment {
            on_shift: false,
            minute: 3 * 60,
            anyone_on_call: true,
        };
        assert!(reaches(Event::Urgent, on_call, off));
        assert!(!reaches(Event::Urgent, other, off));
        assert!(!reaches(Event::NewConversation, on_call, off));
        // On shift, the others hear of it too.
        assert!(reaches(
            Event::Urgent,
            other,
            Moment {
                on_shift: true,
                ..off
            }
        ));
    }

    #[test]
    fn without_anyone_on_call_urgent_events_reach_everyone_who_chose_them() {
        let quiet = Reachability {
            quiet: QuietHours::parse("00:00-23:59").unwrap(),
            on_call: false,
        };
        let off = Moment {
            on_shift: false,
            minute: 3 * 60,
            anyone_on_call: false,
        };
        assert!(reaches(Event::Urgent, quiet, off));
        assert!(reaches(Event::TargetBreached, quiet, off));
        assert!(!reaches(Event::AlertReport, quiet, off));
    }
}

//! When the team is online: weekly working hours in the organisation's time zone, holidays and
//! a manual "away" switch; and the typical first-response time shown to clients.

use std::fmt;
use time::{Date, Duration, Weekday};

/// Opening and closing time of one day, in minutes after local midnight (close > open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub open: u16,
    pub close: u16,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HoursError {
    #[error("write hours as HH:MM-HH:MM, e.g. 09:00-18:00, or leave the day empty")]
    Format,
    #[error("the closing time must be after the opening time")]
    Order,
}

fn minutes(hhmm: &str) -> Result<u16, HoursError> {
    let (h, m) = hhmm.trim().split_once(':').ok_or(HoursError::Format)?;
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| HoursError::Format)?,
        m.parse().map_err(|_| HoursError::Format)?,
    );
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(HoursError::Format);
    }
    Ok(h * 60 + m)
}

impl Hours {
    /// Parses `HH:MM-HH:MM`; an empty string means closed all day.
    pub fn parse(input: &str) -> Result<Option<Hours>, HoursError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let (open, close) = input.split_once('-').ok_or(HoursError::Format)?;
        let hours = Hours {
            open: minutes(open)?,
            close: minutes(close)?,
        };
        if hours.close <= hours.open {
            return Err(HoursError::Order);
        }
        Ok(Some(hours))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.open / 60,
            self.open % 60,
            self.close / 60,
            self.close % 60
        )
    }
}

/// The weekly schedule, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    pub days: [Option<Hours>; 7],
    pub holidays: Vec<Date>,
    pub away: bool,
}

/// Whether someone is there now, or when they will be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Online,
    /// Back at this local date and minute; `None` when no opening is scheduled in two weeks.
    Offline {
        back: Option<(Date, u16)>,
    },
    /// Staff switched themselves away by hand.
    Away,
}

impl Schedule {
    /// Stored form: seven `HH:MM-HH:MM` or empty entries separated by `;`.
    pub fn days_to_text(&self) -> String {
        self.days
            .iter()
            .map(|d| d.map(|h| h.to_string()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn days_from_text(text: &str) -> Result<[Option<Hours>; 7], HoursError> {
        let mut days = [None; 7];
        for (i, part) in text.split(';').take(7).enumerate() {
            days[i] = Hours::parse(part)?;
        }
        Ok(days)
    }

    fn hours_on(&self, date: Date) -> Option<Hours> {
        if self.holidays.contains(&date) {
            return None;
        }
        self.days[date.weekday().number_days_from_monday() as usize]
    }

    /// Availability at a local date and minute of the day.
    pub fn at(&self, date: Date, minute: u16) -> Availability {
        if self.away {
            return Availability::Away;
        }
        if let Some(h) = self.hours_on(date)
            && (h.open..h.close).contains(&minute)
        {
            return Availability::Online;
        }
        let mut day = date;
        for offset in 0..15 {
            if let Some(h) = self.hours_on(day)
                && (offset > 0 || minute < h.open)
            {
                return Availability::Offline {
                    back: Some((day, h.open)),
                };
            }
            day += Duration::days(1);
        }
        Availability::Offline { back: None }
    }

    /// Working minutes between two local moments (date, minute of the day), counting only the
    /// schedule's hours and skipping holidays; a schedule without hours counts every minute.
    /// Spans longer than 60 days are counted up to 60 days (a target is long breached by then).
    pub fn working_minutes(&self, from: (Date, u16), to: (Date, u16)) -> i64 {
        if to <= from {
            return 0;
        }
        if !self.is_configured() {
            let days = (to.0 - from.0).whole_days();
            return days * 24 * 60 + i64::from(to.1) - i64::from(from.1);
        }
        let mut total = 0;
        let mut day = from.0;
        for _ in 0..=60 {
            if day > to.0 {
                break;
            }
            if let Some(h) = self.hours_on(day) {
                let start = if day == from.0 { from.1 } else { 0 };
                let end = if day == to.0 { to.1 } else { 24 * 60 };
                let (a, b) = (start.max(h.open), end.min(h.close));
                if b > a {
                    total += i64::from(b - a);
                }
            }
            day += Duration::days(1);
        }
        total
    }

    /// Whether any working hours are set at all.
    pub fn is_configured(&self) -> bool {
        self.days.iter().any(Option::is_some)
    }
}

/// Index of a weekday, Monday = 0.
pub fn weekday_index(day: Weekday) -> usize {
    day.number_days_from_monday() as usize
}

/// The median of response times in seconds; `None` without data.
pub fn median_seconds(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn weekdays_9_to_6() -> Schedule {
        let nine_six = Hours::parse("09:00-18:00").unwrap();
        Schedule {
            days: [nine_six, nine_six, nine_six, nine_six, nine_six, None, None],
            holidays: vec![date!(2026 - 01 - 07)],
            away: false,
        }
    }

    #[test]
    fn working_minutes_count_only_working_hours_and_skip_holidays() {
        let s = weekdays_9_to_6();
        // Monday 17:00 to Tuesday 10:00: one hour on Monday, one on Tuesday.
        assert_eq!(
            s.working_minutes(
                (date!(2026 - 01 - 05), 17 * 60),
                (date!(2026 - 01 - 06), 600)
            ),
            120
        );
        // Friday 17:30 to Monday 09:15 (the weekend does not count).
        assert_eq!(
            s.working_minutes(
                (date!(2026 - 01 - 09), 17 * 60 + 30),
                (date!(2026 - 01 - 12), 555)
            ),
            45
        );
        // Tuesday 18:00 to Thursday 09:05 over the Wednesday holiday: five minutes.
        assert_eq!(
            s.working_minutes(
                (date!(2026 - 01 - 06), 18 * 60),
                (date!(2026 - 01 - 08), 545)
            ),
            5
        );
        // Night time inside one day counts nothing; backwards counts nothing.
        assert_eq!(
            s.working_minutes((date!(2026 - 01 - 05), 60), (date!(2026 - 01 - 05), 120)),
            0
        );
        assert_eq!(
            s.working_minutes((date!(2026 - 01 - 06), 600), (date!(2026 - 01 - 05), 600)),
            0
        );
        // Without working hours every minute counts.
        assert_eq!(
            Schedule::default().working_minutes(
                (date!(2026 - 01 - 05), 23 * 60),
                (date!(2026 - 01 - 06), 60)
            ),
            120
        );
    }

    #[test]
    fn hours_parse_and_print() {
        assert_eq!(
            Hours::parse("9:30-17:00").unwrap().unwrap().to_string(),
            "09:30-17:00"
        );
        assert_eq!(Hours::parse("").unwrap(), None);
        assert_eq!(Hours::parse("18:00-09:00"), Err(HoursError::Order));
        assert_eq!(Hours::parse("nine to five"), Err(HoursError::Format));
        assert_eq!(Hours::parse("25:00-26:00"), Err(HoursError::Format));
        let s = weekdays_9_to_6();
        assert_eq!(Schedule::days_from_text(&s.days_to_text()).unwrap(), s.days);
    }

    #[test]
    fn online_in_hours_offline_outside_with_the_next_opening() {
        let s = weekdays_9_to_6();
        // 2026-01-05 is a Monday.
        assert_eq!(s.at(date!(2026 - 01 - 05), 10 * 60), Availability::Online);
        assert_eq!(
            s.at(date!(2026 - 01 - 05), 8 * 60),
            Availability::Offline {
                back: Some((date!(2026 - 01 - 05), 540))
            }
        );
        assert_eq!(
            s.at(date!(2026 - 01 - 05), 18 * 60),
            Availability::Offline {
                back: Some((date!(2026 - 01 - 06), 540))
            }
        );
        // Friday evening: back on Monday.
        assert_eq!(
            s.at(date!(2026 - 01 - 09), 20 * 60),
            Availability::Offline {
                back: Some((date!(2026 - 01 - 12), 540))
            }
        );
        // Tuesday evening before the Wednesday holiday: back on Thursday.
        assert_eq!(
            s.at(date!(2026 - 01 - 06), 19 * 60),
            Availability::Offline {
                back: Some((date!(2026 - 01 - 08), 540))
            }
        );
        assert_eq!(
            s.at(date!(2026 - 01 - 07), 10 * 60),
            Availability::Offline {
                back: Some((date!(2026 - 01 - 08), 540))
            }
        );
        let away = Schedule {
            away: true,
            ..weekdays_9_to_6()
        };
        assert_eq!(away.at(date!(2026 - 01 - 05), 10 * 60), Availability::Away);
        assert_eq!(
            Schedule::default().at(date!(2026 - 01 - 05), 600),
            Availability::Offline { back: None }
        );
    }

    #[test]
    fn median_response_time() {
        assert_eq!(median_seconds(vec![]), None);
        assert_eq!(median_seconds(vec![300, 60, 7200]), Some(300));
        assert_eq!(median_seconds(vec![60, 120]), Some(90));
    }
}

//! `netreach bench --photo`: what making a client's photo safe to keep costs, in one run. A
//! 12-megapixel JPEG (4000 × 3000, textured, with an EXIF block holding GPS tags) is processed
//! the way an upload is (decode under the limits, turn upright, scale to the longest side allowed,
//! encode a fresh JPEG) and, as a yardstick measured in the same run, only decoded. The ratio of
//! the two holds across machines and build profiles; the times are this machine's.

use crate::say;
use netreach_app::attachments::media::{self, ImageLimits, samples};
use netreach_app::settings::Settings;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let limits = ImageLimits {
        max_pixels: settings.attachments.max_pixels,
        max_side: settings.attachments.max_side,
    };
    let original = samples::jpeg_with_exif(4000, 3000, "bench");
    say(&format!(
        "photo: 4000 x 3000 JPEG with EXIF, {:.1} MB, {RUNS} runs each, medians",
        original.len() as f64 / 1_048_576.0
    ));
    let mut decode = Vec::new();
    let mut full = Vec::new();
    let mut out_size = 0;
    let mut out_dims = (0, 0);
    for _ in 0..RUNS {
        let started = Instant::now();
        let image = media::decode_image(&original, limits)
            .map_err(|e| anyhow::anyhow!("decoding the sample failed: {e}"))?;
        decode.push(started.elapsed());
        drop(image);
        let started = Instant::now();
        let clean = media::clean_image(&original, limits)
            .map_err(|e| anyhow::anyhow!("processing the sample failed: {e}"))?;
        full.push(started.elapsed());
        out_size = clean.jpeg.len();
        out_dims = (clean.width, clean.height);
    }
    let (decode, full) = (median(decode), median(full));
    say(&format!(
        "decode only: {}; full processing (decode, scale to {} px, encode): {}",
        crate::bench::ms(decode),
        limits.max_side,
        crate::bench::ms(full)
    ));
    say(&format!(
        "ratio full / decode only: {:.2}; stored {} x {}, {:.2} MB before sealing",
        full.as_secs_f64() / decode.as_secs_f64().max(f64::EPSILON),
        out_dims.0,
        out_dims.1,
        out_size as f64 / 1_048_576.0
    ));
    Ok(())
}

//! Making an uploaded photo or voice message safe to keep: nothing of the original file but its
//! picture or its sound survives.
//!
//! - Images (JPEG, PNG, WebP) are decoded under [`image::Limits`], turned upright by their EXIF
//!   orientation, scaled down when very large and encoded anew as a baseline JPEG: EXIF (GPS,
//!   camera serials), XMP, IPTC, embedded thumbnails, comments and colour profiles are not carried
//!   over, because nothing is copied from the original bytes.
//! - Voice messages must be OGG/Opus (what Telegram sends). The OGG stream is re-muxed: the
//!   `OpusHead` packet and the audio packets with their granule positions are kept as they were,
//!   `OpusTags` (where encoders and apps write names, dates and devices) is replaced by a minimal
//!   one, and the stream gets a fresh serial number.
//!
//! Everything happens in memory (no temporary file, so an interrupted upload leaves nothing on
//! disk); callers run it on a blocking thread.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use ogg::{PacketReader, PacketWriteEndInfo, PacketWriter};
use std::io::Cursor;

/// The media type of every stored image.
pub const IMAGE_TYPE: &str = "image/jpeg";
/// The media type of every stored voice message.
pub const VOICE_TYPE: &str = "audio/ogg";
/// JPEG quality of re-encoded photos: small files, details of a wound or a pill still visible.
const JPEG_QUALITY: u8 = 85;
/// Bytes of decoder memory allowed per pixel (RGBA, 8 bits) plus the decoder's own buffers.
const ALLOC_PER_PIXEL: u64 = 6;

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image could not be decoded")]
    Undecodable,
    #[error("the image has too many pixels")]
    TooManyPixels,
    #[error("not an OGG/Opus voice message")]
    NotVoice,
}

/// Limits on decoding.
#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    pub max_pixels: u64,
    /// Longer sides are scaled down to this.
    pub max_side: u32,
}

/// A photo ready to be sealed: a fresh JPEG and its size in pixels.
#[derive(Debug)]
pub struct CleanImage {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The formats accepted, told by their first bytes (never by a name or a declared type).
fn accepted_format(bytes: &[u8]) -> Result<ImageFormat, MediaError> {
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(f),
        _ => Err(MediaError::NotAnImage),
    }
}

/// Decodes only (upright, full size): what [`clean_image`] does before it scales and encodes.
/// Public for the benchmark, which compares the two.
pub fn decode_image(bytes: &[u8], limits: ImageLimits) -> Result<DynamicImage, MediaError> {
    let format = accepted_format(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut bounds = Limits::default();
    bounds.max_alloc = Some(limits.max_pixels.saturating_mul(ALLOC_PER_PIXEL));
    reader.limits(bounds);
    let mut decoder = reader.into_decoder().map_err(|_| MediaError::Undecodable)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(MediaError::Undecodable);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(MediaError::TooManyPixels);
    }
    // Read before decoding consumes the decoder; a photo without EXIF is upright already.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        _ => MediaError::Undecodable,
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Decodes, turns upright, scales down past `max_side` and encodes a fresh JPEG.
pub fn clean_image(bytes: &[u8], limits: ImageLimits) -> Result<CleanImage, MediaError> {
    let mut image = decode_image(bytes, limits)?;
    if image.width().max(image.height()) > limits.max_side {
        image = image.resize(
            limits.max_side,
            limits.max_side,
            image::imageops::FilterType::Triangle,
        );
    }
    // JPEG has no transparency: transparent parts are laid on white rather than turning black.
    let rgb = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let mut flat = image::RgbImage::new(rgba.width(), rgba.height());
        for (out, px) in flat.pixels_mut().zip(rgba.pixels()) {
            let [r, g, b, a] = px.0;
            let over = |c: u8| -> u8 {
                ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8
            };
            *out = image::Rgb([over(r), over(g), over(b)]);
        }
        flat
    } else {
        image.to_rgb8()
    };
    let mut jpeg = Vec::with_capacity(rgb.as_raw().len() / 8);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|_| MediaError::Undecodable)?;
    Ok(CleanImage {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// `OpusTags` with the vendor "netreach" and no comments.
fn minimal_tags() -> Vec<u8> {
    let vendor = b"netreach";
    let mut tags = b"OpusTags".to_vec();
    tags.extend((vendor.len() as u32).to_le_bytes());
    tags.extend(vendor);
    tags.extend(0u32.to_le_bytes());
    tags
}

fn is_opus_head(packet: &[u8]) -> bool {
    // "OpusHead", version 1 (the upper nibble is the major version), at least 19 bytes.
    packet.len() >= 19 && packet.starts_with(b"OpusHead") && packet[8] >> 4 == 0
}

/// Re-muxes one OGG/Opus stream, keeping the head and the audio, replacing the tags.
pub fn clean_voice(bytes: &[u8], serial: u32) -> Result<Vec<u8>, MediaError> {
    let mut reader = PacketReader::new(Cursor::new(bytes));
    let mut next = || reader.read_packet().map_err(|_| MediaError::NotVoice);
    let head = next()?.ok_or(MediaError::NotVoice)?;
    if !head.first_in_stream() || !is_opus_head(&head.data) {
        return Err(MediaError::NotVoice);
    }
    let stream = head.stream_serial();
    let tags = next()?.ok_or(MediaError::NotVoice)?;
    if tags.stream_serial() != stream || !tags.data.starts_with(b"OpusTags") {
        return Err(MediaError::NotVoice);
    }
    let mut out = PacketWriter::new(Vec::with_capacity(bytes.len()));
    let write = |out: &mut PacketWriter<'_, Vec<u8>>, data: Vec<u8>, end, granule| {
        out.write_packet(data, serial, end, granule)
            .map_err(|_| MediaError::NotVoice)
    };
    // The head and the tags each sit alone on their page, with granule 0 (RFC 7845).
    write(&mut out, head.data, PacketWriteEndInfo::EndPage, 0)?;
    write(&mut out, minimal_tags(), PacketWriteEndInfo::EndPage, 0)?;
    // One packet is held back, so the last one always closes the stream, even in a file that
    // was cut short before its end-of-stream page.
    let mut held: Option<ogg::Packet> = None;
    while let Some(packet) = next()? {
        // One logical stream only: a chained or multiplexed file is not a voice message.
        if packet.stream_serial() != stream
            || packet.data.is_empty()
            || held.as_ref().is_some_and(|p| p.last_in_stream())
        {
            return Err(MediaError::NotVoice);
        }
        if let Some(previous) = held.replace(packet) {
            let end = if previous.last_in_page() {
                PacketWriteEndInfo::EndPage
            } else {
                PacketWriteEndInfo::NormalPacket
            };
            let granule = previous.absgp_page();
            write(&mut out, previous.data, end, granule)?;
        }
    }
    let last = held.ok_or(MediaError::NotVoice)?;
    let granule = last.absgp_page();
    write(&mut out, last.data, PacketWriteEndInfo::EndStream, granule)?;
    Ok(out.into_inner())
}

/// Sample files built in memory, for tests and the benchmark: a JPEG carrying EXIF with GPS tags
/// and a canary, and an OGG/Opus file whose tags carry a canary.
pub mod samples {
    use ogg::{PacketWriteEndInfo, PacketWriter};

    /// A JPEG with an EXIF APP1 segment holding GPS tags, a camera serial and `canary`.
    pub fn jpeg_with_exif(width: u32, height: u32, canary: &str) -> Vec<u8> {
        // Some texture, so the encoders have work to do as with a photo.
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([
                (x.wrapping_mul(7) ^ y.wrapping_mul(3)) as u8,
                (y.wrapping_mul(5).wrapping_add(x / 3)) as u8,
                (x.wrapping_mul(y) >> 4) as u8,
            ])
        });
        let mut plain = Vec::new();
        let _ =
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img);
        insert_app1(&plain, &exif_block(canary))
    }

    /// A little-endian TIFF/EXIF block: IFD0 with Make (the canary), Orientation = 1 and a
    /// pointer to a GPS IFD with latitude/longitude references and a canary in GPSAreaInformation.
    pub fn exif_block(canary: &str) -> Vec<u8> {
        let mut tiff: Vec<u8> = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        let make = format!("{canary}\0");
        // IFD0: 3 entries at offset 8: 2 + 3*12 + 4 = 42 bytes, data after it.
        let ifd0_end = 8 + 2 + 3 * 12 + 4;
        let make_at = ifd0_end as u32;
        let gps_at = make_at + make.len() as u32;
        tiff.extend(3u16.to_le_bytes());
        // Make (0x010F), ASCII
        tiff.extend(0x010Fu16.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend((make.len() as u32).to_le_bytes());
        tiff.extend(make_at.to_le_bytes());
        // Orientation (0x0112), SHORT, 1
        tiff.extend(0x0112u16.to_le_bytes());
        tiff.extend(3u16.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        // GPS IFD pointer (0x8825), LONG
        tiff.extend(0x8825u16.to_le_bytes());
        tiff.extend(4u16.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        tiff.extend(gps_at.to_le_bytes());
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(make.as_bytes());
        // GPS IFD: LatitudeRef "N", LongitudeRef "E", AreaInformation (UNDEFINED) canary.
        let area = format!("ASCII\0\0\0GPS {canary}");
        let gps_end = gps_at + 2 + 3 * 12 + 4;
        tiff.extend(3u16.to_le_bytes());
        tiff.extend(0x0001u16.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(2u32.to_le_bytes());
        tiff.extend(*b"N\0\0\0");
        tiff.extend(0x0003u16.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(2u32.to_le_bytes());
        tiff.extend(*b"E\0\0\0");
        tiff.extend(0x001Cu16.to_le_bytes());
        tiff.extend(7u16.to_le_bytes());
        tiff.extend((area.len() as u32).to_le_bytes());
        tiff.extend(gps_end.to_le_bytes());
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(area.as_bytes());
        let mut block = b"Exif\0\0".to_vec();
        block.extend(tiff);
        block
    }

    pub fn insert_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
        if jpeg.len() < 2 {
            return jpeg.to_vec();
        }
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
        out.extend(&jpeg[2..]);
        out
    }

    /// An OGG/Opus file: OpusHead, OpusTags carrying `canary`, and `frames` silence packets.
    pub fn opus_with_tags(canary: &str, frames: usize) -> Vec<u8> {
        let mut head = b"OpusHead".to_vec();
        head.extend([1, 1]); // version 1, one channel
        head.extend(312u16.to_le_bytes()); // pre-skip
        head.extend(48_000u32.to_le_bytes());
        head.extend(0u16.to_le_bytes()); // gain
        head.push(0); // mapping family
        let vendor = b"libopus 1.4";
        let comment = format!("LOCATION={canary}");
        let mut tags = b"OpusTags".to_vec();
        tags.extend((vendor.len() as u32).to_le_bytes());
        tags.extend(vendor);
        tags.extend(1u32.to_le_bytes());
        tags.extend((comment.len() as u32).to_le_bytes());
        tags.extend(comment.as_bytes());
        let mut w = PacketWriter::new(Vec::new());
        let serial = 0x1234_5678;
        let _ = w.write_packet(head, serial, PacketWriteEndInfo::EndPage, 0);
        let _ = w.write_packet(tags, serial, PacketWriteEndInfo::EndPage, 0);
        for i in 0..frames {
            let end = if i + 1 == frames {
                PacketWriteEndInfo::EndStream
            } else if i % 2 == 1 {
                PacketWriteEndInfo::EndPage
            } else {
                PacketWriteEndInfo::NormalPacket
            };
            let _ = w.write_packet(vec![0xF8, 0xFF, 0xFE], serial, end, 960 * (i as u64 + 1));
        }
        w.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{insert_app1, jpeg_with_exif, opus_with_tags};
    use super::*;

    const LIMITS: ImageLimits = ImageLimits {
        max_pixels: 40_000_000,
        max_side: 2560,
    };

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }

    #[test]
    fn a_photo_loses_its_exif_and_stays_a_picture() {
        let original = jpeg_with_exif(64, 48, "CANARY-EXIF-77");
        assert!(contains(&original, "CANARY-EXIF-77"));
        let clean = clean_image(&original, LIMITS).unwrap();
        assert!(!contains(&clean.jpeg, "CANARY-EXIF-77"));
        assert!(!contains(&clean.jpeg, "Exif"));
        assert_eq!((clean.width, clean.height), (64, 48));
        let back = image::load_from_memory(&clean.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
    }

    #[test]
    fn an_exif_rotation_is_applied_before_it_is_dropped() {
        let img = image::RgbImage::from_pixel(40, 20, image::Rgb([10, 200, 10]));
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&img)
            .unwrap();
        // Orientation 6: rotate 90° clockwise to show it upright.
        let mut tiff: Vec<u8> = b"MM\0*".to_vec();
        tiff.extend(8u32.to_be_bytes());
        tiff.extend(1u16.to_be_bytes());
        tiff.extend(0x0112u16.to_be_bytes());
        tiff.extend(3u16.to_be_bytes());
        tiff.extend(1u32.to_be_bytes());
        tiff.extend([0, 6, 0, 0]);
        tiff.extend(0u32.to_be_bytes());
        let mut block = b"Exif\0\0".to_vec();
        block.extend(tiff);
        let rotated = clean_image(&insert_app1(&plain, &block), LIMITS).unwrap();
        assert_eq!((rotated.width, rotated.height), (20, 40));
    }

    #[test]
    fn large_photos_are_scaled_down_and_huge_ones_refused() {
        let big = jpeg_with_exif(600, 300, "x");
        let small = ImageLimits {
            max_pixels: 1_000_000,
            max_side: 256,
        };
        let clean = clean_image(&big, small).unwrap();
        assert_eq!((clean.width, clean.height), (256, 128));
        let tiny = ImageLimits {
            max_pixels: 100_000,
            max_side: 256,
        };
        assert_eq!(
            clean_image(&big, tiny).unwrap_err(),
            MediaError::TooManyPixels
        );
    }

    #[test]
    fn what_is_not_an_image_or_does_not_decode_is_refused() {
        assert_eq!(
            clean_image(b"GIF89a....", LIMITS).unwrap_err(),
            MediaError::NotAnImage
        );
        assert_eq!(
            clean_image(b"%PDF-1.7", LIMITS).unwrap_err(),
            MediaError::NotAnImage
        );
        let mut broken = jpeg_with_exif(32, 32, "x");
        broken.truncate(broken.len() / 3);
        assert_eq!(
            clean_image(&broken, LIMITS).unwrap_err(),
            MediaError::Undecodable
        );
        assert_eq!(
            clean_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], LIMITS).unwrap_err(),
            MediaError::Undecodable
        );
    }

    #[test]
    fn a_transparent_png_is_laid_on_white() {
        let img = image::RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let clean = clean_image(&png, LIMITS).unwrap();
        let back = image::load_from_memory(&clean.jpeg).unwrap().to_rgb8();
        assert!(back.pixels().all(|p| p.0.iter().all(|c| *c > 240)));
    }

    fn packets(ogg: &[u8]) -> Vec<(Vec<u8>, u64, u32)> {
        let mut r = PacketReader::new(Cursor::new(ogg));
        let mut out = Vec::new();
        while let Some(p) = r.read_packet().unwrap() {
            out.push((p.data.clone(), p.absgp_page(), p.stream_serial()));
        }
        out
    }

    #[test]
    fn a_voice_message_keeps_its_audio_and_loses_its_tags() {
        let original = opus_with_tags("CANARY-OPUS-42", 5);
        assert!(contains(&original, "CANARY-OPUS-42"));
        let clean = clean_voice(&original, 99).unwrap();
        assert!(!contains(&clean, "CANARY-OPUS-42"));
        assert!(!contains(&clean, "libopus"));
        let before = packets(&original);
        let after = packets(&clean);
        assert_eq!(after.len(), before.len());
        assert_eq!(after[0].0, before[0].0, "OpusHead kept");
        assert_eq!(after[1].0, minimal_tags());
        assert_eq!(
            after[2..]
                .iter()
                .map(|(d, g, _)| (d.clone(), *g))
                .collect::<Vec<_>>(),
            before[2..]
                .iter()
                .map(|(d, g, _)| (d.clone(), *g))
                .collect::<Vec<_>>(),
            "audio packets and granule positions identical"
        );
        assert!(after.iter().all(|(_, _, s)| *s == 99), "fresh serial");
    }

    #[test]
    fn anything_but_ogg_opus_is_refused_as_voice() {
        assert_eq!(
            clean_voice(b"ID3\x03mp3 data", 1).unwrap_err(),
            MediaError::NotVoice
        );
        let jpeg = jpeg_with_exif(8, 8, "x");
        assert_eq!(clean_voice(&jpeg, 1).unwrap_err(), MediaError::NotVoice);
        // Vorbis in OGG: the right container, the wrong codec.
        let mut w = PacketWriter::new(Vec::new());
        w.write_packet(
            b"\x01vorbis\0\0\0\0\x01".to_vec(),
            7,
            PacketWriteEndInfo::EndPage,
            0,
        )
        .unwrap();
        w.write_packet(vec![1, 2, 3], 7, PacketWriteEndInfo::EndStream, 960)
            .unwrap();
        assert_eq!(
            clean_voice(&w.into_inner(), 1).unwrap_err(),
            MediaError::NotVoice
        );
        // Head and tags but no audio.
        let empty = opus_with_tags("x", 0);
        assert_eq!(clean_voice(&empty, 1).unwrap_err(), MediaError::NotVoice);
    }
}

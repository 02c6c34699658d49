import sharp from 'sharp';

/** The image types taken, and the format the decoder must find in the bytes for each. */
export const IMAGE_TYPES = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

/** The bytes are not an image of the type they were sent as (or not an image at all). */
export class InvalidImageError extends Error {
  readonly code = 'INVALID_IMAGE';
}

/** Larger images (a decompression bomb, say) are refused before they are decoded. */
const MAX_PIXELS = 50_000_000;

export interface ProcessedImage {
  contentType: ImageType;
  /** The image decoded and encoded again: upright (its orientation applied), no metadata left. */
  original: Buffer;
  /** At most `thumbnailWidth` wide, never enlarged. */
  thumbnail: Buffer;
  width: number;
  height: number;
}

const encoder = (type: ImageType) => (image: sharp.Sharp) =>
  type === 'image/jpeg'
    ? image.jpeg({ quality: 85, mozjpeg: true })
    : type === 'image/png'
      ? image.png({ compressionLevel: 9 })
      : image.webp({ quality: 85 });

/**
 * Decodes an uploaded image as the type it was sent as (the bytes decide, not the header), and
 * encodes it again: the EXIF orientation is applied and every metadata block (GPS position,
 * camera serial, comments, profiles) is left behind. Anything that does not decode whole is an
 * InvalidImageError.
 */
export async function processImage(
  bytes: Buffer,
  declared: ImageType,
  thumbnailWidth = 400,
): Promise<ProcessedImage> {
  const open = () => sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS });
  const metadata = await open()
    .metadata()
    .catch(() => undefined);
  if (!metadata?.format) throw new InvalidImageError('The body is not a JPEG, PNG or WebP image');
  if (metadata.format !== IMAGE_TYPES[declared])
    throw new InvalidImageError(`The body is a ${metadata.format} image, not ${declared}`);
  const encode = encoder(declared);
  try {
    const original = await encode(open().rotate()).toBuffer({ resolveWithObject: true });
    const thumbnail = await encode(
      open().rotate().resize({ width: thumbnailWidth, withoutEnlargement: true }),
    ).toBuffer();
    return {
      contentType: declared,
      original: original.data,
      thumbnail,
      width: original.info.width,
      height: original.info.height,
    };
  } catch (error) {
    throw new InvalidImageError(`The image does not decode: ${(error as Error).message}`);
  }
}

namespace Shiming.Verifications;

/// <summary>Recognises the image types Baidu accepts by their magic numbers, whatever the declared type.</summary>
public static class ImageFormats
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Bmp = "image/bmp";

    public static IReadOnlyList<string> MediaTypes { get; } = [Jpeg, Png, Bmp];

    public static string? Detect(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [(byte)'B', (byte)'M', ..] when bytes.Length >= 26 => Bmp,
        _ => null,
    };

    public static bool IsImageMediaType(string? contentType) =>
        contentType is not null && MediaTypes.Any(t => contentType.StartsWith(t, StringComparison.OrdinalIgnoreCase));
}

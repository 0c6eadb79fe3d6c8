namespace Shiming.BaiduEmulator;

/// <summary>
/// Reads a card image that carries no ground truth: Tesseract for the words, <see cref="CardReader"/> for the fields,
/// and <see cref="NameLineReader"/> for a second look at a PNG front's name.
/// </summary>
internal static class CardRecognizer
{
    /// <summary>The card in the image, or null when no card fields are found.</summary>
    public static async Task<ReadCard?> RecognizeAsync(EmulatorOptions options, ReadOnlyMemory<byte> image, ImageFormat format, CancellationToken cancellationToken)
    {
        var extension = format switch
        {
            ImageFormat.Png => ".png",
            ImageFormat.Jpeg => ".jpg",
            _ => ".bmp",
        };
        var words = await TesseractOcr.ReadAsync(options.TesseractPath, image, extension, options.RecognitionTimeout, cancellationToken);
        var card = CardReader.Read(words);
        return card is not null && format == ImageFormat.Png
            ? await NameLineReader.RereadAsync(options, image, card, cancellationToken)
            : card;
    }
}

namespace Shiming.BaiduEmulator;

/// <summary>Reads a card image that carries no ground truth: Tesseract for the words, <see cref="CardReader"/> for the fields.</summary>
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
        return CardReader.Read(words);
    }
}

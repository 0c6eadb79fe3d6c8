using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Shiming.BaiduEmulator;

/// <summary>
/// One piece of text the OCR read, with its box in image pixels, the line it belongs to (lines numbered top to
/// bottom, pieces of a line left to right) and the recognizer's mean confidence in its characters (0–1).
/// </summary>
internal sealed record OcrWord(string Text, CardBox Box, int Line, double Confidence = 1);

/// <summary>
/// Reads an image that carries no ground truth: PaddleOCR for the lines of text, and for a card <see cref="CardReader"/>
/// for the fields. At most one reading per core at a time, on <see cref="RecognitionWorkers"/>, each bounded by
/// <see cref="EmulatorOptions.RecognitionTimeout"/>.
/// </summary>
internal static class CardRecognizer
{
    /// <summary>
    /// The card in the image, or null when no card fields are found. Throws <see cref="InvalidDataException"/> when the
    /// picture cannot be decoded and <see cref="TimeoutException"/> when reading overruns the timeout.
    /// </summary>
    public static Task<ReadCard?> RecognizeAsync(EmulatorOptions options, ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        ReadAsync(options, image, CardReader.Read, cancellationToken);

    /// <summary>
    /// Every piece of text in the picture, in reading order (rows top to bottom, pieces left to right). Throws as
    /// <see cref="RecognizeAsync"/> does.
    /// </summary>
    public static Task<IReadOnlyList<OcrWord>> ReadWordsAsync(EmulatorOptions options, ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        ReadAsync(options, image, words => words, cancellationToken);

    private static async Task<T> ReadAsync<T>(EmulatorOptions options, ReadOnlyMemory<byte> image, Func<IReadOnlyList<OcrWord>, T> interpret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var began = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RecognitionTimeout);
        using var run = new RunOptions();

        // A run that is under way stops at the deadline too, not only the steps between runs.
        using var stop = deadline.Token.Register(() => run.Terminate = true);
        try
        {
            // Opening the models, decoding and reading all happen on a reading thread, never on the request's.
            var read = await RecognitionWorkers.RunAsync(
                () => interpret(Read(PaddleOcr.For(PaddleOcr.ResolveFolder(options.OcrModels)), image, run, deadline.Token)),
                deadline.Token);

            // The deadline's timer fires on the thread pool, which a busy machine may run late: a reading that ended
            // past its timeout is one that took too long all the same.
            return Stopwatch.GetElapsedTime(began) > options.RecognitionTimeout
                ? throw new TimeoutException("Recognition took longer than its timeout.")
                : read;
        }
        catch (Exception exception) when (exception is OperationCanceledException or OnnxRuntimeException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("Recognition (waiting for a free core included) took longer than its timeout.", exception);
        }
    }

    private static IReadOnlyList<OcrWord> Read(PaddleOcr ocr, ReadOnlyMemory<byte> image, RunOptions run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var picture = Pictures.Decode(image.Span) ?? throw new InvalidDataException("The picture cannot be decoded.");
        var lines = ocr.Read(picture, run, cancellationToken);
        return Words(lines, picture.Width, picture.Height);
    }

    /// <summary>
    /// The detected pieces of text put into lines: a piece joins a line when its centre lies within half a character
    /// height of where the line's slant puts the line at that point, so a turned or tilted card still reads row by row.
    /// </summary>
    internal static IReadOnlyList<OcrWord> Words(IReadOnlyList<OcrLine> pieces, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var rows = new List<List<OcrLine>>();
        foreach (var piece in pieces.OrderBy(piece => piece.Box.CenterX))
        {
            var row = rows.FirstOrDefault(row =>
            {
                var last = row[^1].Box;
                var expected = last.CenterY + (Math.Tan(last.Angle) * (piece.Box.CenterX - last.CenterX));
                return Math.Abs(piece.Box.CenterY - expected) < 0.5 * Math.Min(last.Height, piece.Box.Height);
            });
            if (row is null)
            {
                rows.Add([piece]);
            }
            else if (WithoutOverlap(row[^1], piece, width, height) is { } rest)
            {
                row.Add(rest);
            }
        }

        // Rows top to bottom by where they start, as a reader meets them.
        return rows
            .OrderBy(row => row[0].Box.CenterY - (Math.Tan(row[0].Box.Angle) * row[0].Box.CenterX))
            .SelectMany((row, index) => row.Select(piece => new OcrWord(piece.Text, piece.Box.Bounds(width, height), index, piece.Confidence)))
            .ToList();
    }

    /// <summary>
    /// The piece without the characters it shares with its left neighbour: the unclipped boxes of a label and its
    /// value can overlap by part of a character, and then both read it (签发机关 and 关示例市…). Null when nothing is left.
    /// </summary>
    private static OcrLine? WithoutOverlap(OcrLine left, OcrLine piece, int width, int height)
    {
        if (piece.Box.Bounds(width, height).Left >= left.Box.Bounds(width, height).Right)
        {
            return piece;
        }

        for (var length = Math.Min(left.Text.Length, piece.Text.Length); length >= 1; length--)
        {
            if (piece.Text.StartsWith(left.Text[^length..], StringComparison.Ordinal))
            {
                return length == piece.Text.Length ? null : piece with { Text = piece.Text[length..] };
            }
        }

        return piece;
    }
}

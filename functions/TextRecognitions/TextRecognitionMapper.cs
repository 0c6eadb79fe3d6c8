using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.TextRecognitions;

/// <summary>Turns Baidu's general text OCR answer into what Shiming's clients read.</summary>
public static class TextRecognitionMapper
{
    /// <summary>
    /// The lines in reading order. Baidu lists them in its own reading order, which is kept when there are no
    /// positions; with positions, lines are put in rows (a line whose middle lies within a row's first line is in
    /// that row) from the top, and each row from the left, so two columns of a form read across, as printed.
    /// An answer without lines is a completed job with none: a picture with no text is not an error.
    /// </summary>
    public static RecognitionOutcome Map(BaiduTextResponse response, TextRequest request)
    {
        var lines = (response.WordsResult ?? [])
            .Where(line => !string.IsNullOrWhiteSpace(line.Words))
            .Select(line => new TextLine(
                line.Words!.Trim(),
                request.Locations && line.Location is { } box ? new TextLocation(box.Left, box.Top, box.Width, box.Height) : null))
            .ToList();
        return new RecognitionOutcome.Recognized(new TextRecognitionOutput(
            request.Accuracy, request.Locations, request.Locations ? ReadingOrder(lines) : lines));
    }

    /// <summary>Rows from the top, each from the left; lines without a box keep their place at the end.</summary>
    public static IReadOnlyList<TextLine> ReadingOrder(IReadOnlyList<TextLine> lines)
    {
        var placed = lines.Where(line => line.Location is not null).OrderBy(line => line.Location!.Top).ThenBy(line => line.Location!.Left).ToList();
        var ordered = new List<TextLine>(lines.Count);
        var row = new List<TextLine>();
        TextLocation? rowHead = null;
        foreach (var line in placed)
        {
            var box = line.Location!;
            var middle = box.Top + (box.Height / 2.0);
            if (rowHead is not null && middle > rowHead.Top + rowHead.Height)
            {
                ordered.AddRange(row.OrderBy(l => l.Location!.Left));
                row.Clear();
                rowHead = null;
            }

            rowHead ??= box;
            row.Add(line);
        }

        ordered.AddRange(row.OrderBy(l => l.Location!.Left));
        ordered.AddRange(lines.Where(line => line.Location is null));
        return ordered;
    }

    /// <summary>The errors a text recognition can end with, in Shiming's own codes.</summary>
    public static readonly JobErrors Errors = JobErrors.Phrased(
        "text recognition", "Submit the picture again", "recognition",
        "a JPEG, PNG or BMP picture of the document, between 15 and 4096 pixels on each side");
}

using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>
/// Baidu's general text OCR: <c>general_basic</c> and <c>accurate_basic</c> answer the lines of text in reading order,
/// <c>general</c> and <c>accurate</c> (the "with position" editions) each line's box as well. The lines come from the
/// ground truth embedded in the image (a document's lines, or a card's printed values), or else from PaddleOCR, the
/// recognizer the emulator reads cards with. The token, QPS, quota and fault checks are <see cref="BaiduCall"/>'s.
/// </summary>
internal static class TextOcrEndpoint
{
    private static readonly string[] StandardLanguages = ["CHN_ENG", "ENG", "POR", "FRE", "GER", "ITA", "SPA", "RUS", "JAP", "KOR"];

    private static readonly string[] AccurateLanguages =
    [
        .. StandardLanguages, "auto_detect", "DAN", "DUT", "MAL", "SWE", "IND", "POL", "ROM", "TUR", "GRE", "HUN", "THA", "VIE", "ARA", "HIN",
    ];

    /// <summary>The path each text API is served at.</summary>
    public static string PathOf(string api) => $"/rest/2.0/ocr/v1/{api}";

    /// <summary>The handler of one text API.</summary>
    public static RequestDelegate Handler(string api)
    {
        Task<ApiAnswer> Answer(ApiRequest request, CancellationToken cancellationToken) => AnswerRequestAsync(request, api, cancellationToken);
        return context => BaiduCall.HandleAsync(context, api, Answer);
    }

    private static async Task<ApiAnswer> AnswerRequestAsync(ApiRequest request, string api, CancellationToken cancellationToken)
    {
        // `url`, `pdf_file` or `ofd_file` alone is treated as no image: the emulator downloads nothing and reads no PDF.
        if (!request.Form.TryGetValue("image", out var imageValue))
        {
            return request.Failure(216101, "not enough param");
        }

        var accurate = api is EmulatorApis.AccurateBasic or EmulatorApis.Accurate;
        if (request.Parameter("language_type") is { } language && !(accurate ? AccurateLanguages : StandardLanguages).Contains(language, StringComparer.Ordinal))
        {
            return request.Failure(216100, "invalid param");
        }

        var (input, refused) = ImageParameter.Read(request, imageValue.ToString());
        if (input is null)
        {
            return refused!;
        }

        IReadOnlyList<TextLine> lines;
        if (input.Image.GroundTruthJson is { } json)
        {
            try
            {
                lines = GroundTruthKinds.Of(json) switch
                {
                    GroundTruthKinds.Document => DocumentGroundTruth.Parse(json).Lines.Select(line => new TextLine(line.Words, new CardBox(line.Left, line.Top, line.Width, line.Height), 1)).ToList(),
                    GroundTruthKinds.Moderation => [],
                    _ => CardLines(CardGroundTruth.Parse(json)),
                };
            }
            catch (FormatException)
            {
                // A broken fixture is a bug in the test that made it; Baidu's catch-all code says "not your input".
                return request.Failure(282000, "internal error");
            }
        }
        else
        {
            var read = await RecognizeAsync(request, input.Bytes, cancellationToken);
            if (read.Failure is not null)
            {
                return read.Failure;
            }

            lines = read.Lines!;
        }

        var withLocation = api is EmulatorApis.General or EmulatorApis.Accurate;
        return new ApiAnswer(Body(request, lines, withLocation), null, null);
    }

    /// <summary>An image without ground truth, read by PaddleOCR when recognition is on and its models are there; else no text.</summary>
    private static async Task<(IReadOnlyList<TextLine>? Lines, ApiAnswer? Failure)> RecognizeAsync(ApiRequest request, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var options = request.Options;
        if (options.Recognition == RecognitionMode.Off || !PaddleOcr.Probe(PaddleOcr.ResolveFolder(options.OcrModels)).IsAvailable)
        {
            return ([], null);
        }

        try
        {
            var words = await CardRecognizer.ReadWordsAsync(options, image, cancellationToken);
            return (words.Select(word => new TextLine(word.Text, word.Box, word.Confidence)).ToList(), null);
        }
        catch (InvalidDataException)
        {
            // The header was readable (the format and the sides were), the pixels are not.
            return (null, request.Failure(216201, "image format error"));
        }
        catch (Exception exception) when (exception is TimeoutException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or IOException)
        {
            // Baidu's catch-all for its own faults, which callers retry: the engine failed, not the image.
            return (null, request.Failure(282000, "internal error"));
        }
    }

    /// <summary>A card's printed values as text OCR meets them: row by row, left to right, the address in its printed lines.</summary>
    private static List<TextLine> CardLines(CardGroundTruth card)
    {
        var lines = new List<TextLine>();
        foreach (var (field, words) in card.Fields)
        {
            if (field == IdCardFields.Address)
            {
                var remaining = words;
                foreach (var box in CardLayout.AddressLines(words))
                {
                    var count = Math.Min(remaining.Length, CardLayout.AddressCharactersPerLine);
                    lines.Add(new TextLine(remaining[..count], box, 1));
                    remaining = remaining[count..];
                }
            }
            else if (CardLayout.FieldBox(field, words) is { } box)
            {
                lines.Add(new TextLine(words, box, 1));
            }
        }

        return [.. lines.OrderBy(line => line.Box.Top).ThenBy(line => line.Box.Left)];
    }

    private static JsonObject Body(ApiRequest request, IReadOnlyList<TextLine> lines, bool withLocation)
    {
        var probability = request.IsTrue("probability");
        var vertexes = withLocation && request.IsTrue("vertexes_location");
        var results = new JsonArray();
        foreach (var line in lines)
        {
            var entry = new JsonObject();
            if (withLocation)
            {
                entry["location"] = new JsonObject
                {
                    ["top"] = line.Box.Top,
                    ["left"] = line.Box.Left,
                    ["width"] = line.Box.Width,
                    ["height"] = line.Box.Height,
                };
            }

            entry["words"] = line.Words;
            if (vertexes)
            {
                entry["vertexes_location"] = new JsonArray(
                    Point(line.Box.Left, line.Box.Top),
                    Point(line.Box.Right, line.Box.Top),
                    Point(line.Box.Right, line.Box.Bottom),
                    Point(line.Box.Left, line.Box.Bottom));
            }

            if (probability)
            {
                // The recognizer gives one mean confidence per line, so the line's least is taken to be that too.
                entry["probability"] = new JsonObject
                {
                    ["average"] = Math.Round(line.Confidence, 6),
                    ["min"] = Math.Round(line.Confidence, 6),
                    ["variance"] = 0,
                };
            }

            results.Add(entry);
        }

        var body = new JsonObject
        {
            ["log_id"] = BaiduResponse.LogId(request.State),
            ["words_result"] = results,
            ["words_result_num"] = lines.Count,
        };

        if (request.IsTrue("detect_direction"))
        {
            // Renders and ground truth are upright; the emulator does not turn pictures.
            body["direction"] = 0;
        }

        if (request.IsTrue("paragraph"))
        {
            var paragraphs = Paragraphs(lines);
            body["paragraphs_result"] = new JsonArray([.. paragraphs.Select(indexes => (JsonNode)new JsonObject { ["words_result_idx"] = new JsonArray([.. indexes.Select(index => (JsonNode)index)]) })]);
            body["paragraphs_result_num"] = paragraphs.Count;
        }

        return body;
    }

    /// <summary>Lines grouped into paragraphs: a line starts a new one when the gap above it is at least a line's height.</summary>
    internal static List<List<int>> Paragraphs(IReadOnlyList<TextLine> lines)
    {
        var paragraphs = new List<List<int>>();
        for (var i = 0; i < lines.Count; i++)
        {
            var startsNew = i == 0 || lines[i].Box.Top - lines[i - 1].Box.Bottom >= Math.Max(lines[i - 1].Box.Height, 1);
            if (startsNew)
            {
                paragraphs.Add([]);
            }

            paragraphs[^1].Add(i);
        }

        return paragraphs;
    }

    private static JsonObject Point(int x, int y) => new() { ["x"] = x, ["y"] = y };
}

/// <summary>One line of text as the text APIs answer it: its words, its box and the confidence in it (0–1).</summary>
internal sealed record TextLine(string Words, CardBox Box, double Confidence);

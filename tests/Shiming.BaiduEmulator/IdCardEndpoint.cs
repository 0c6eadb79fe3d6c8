using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>POST /rest/2.0/ocr/v1/idcard</c>: the card from the ground truth embedded in the image, or as PaddleOCR reads it.
/// The token, QPS, quota and fault checks are <see cref="BaiduCall"/>'s.
/// </summary>
internal static class IdCardEndpoint
{
    public const string Path = "/rest/2.0/ocr/v1/idcard";
    public const string Name = EmulatorApis.IdCard;

    private const string NonIdCard = "non_idcard";

    public static Task HandleAsync(HttpContext context) => BaiduCall.HandleAsync(context, Name, AnswerRequestAsync, "id_card_side");

    /// <summary>The request itself: parameters, image limits, then the card.</summary>
    private static async Task<ApiAnswer> AnswerRequestAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var state = request.State;
        var form = request.Form;

        // A `url` alone is treated as no image: the emulator never downloads anything.
        if (!form.TryGetValue("image", out var imageValue))
        {
            return Failure(state, 216101, "not enough param");
        }

        var declaredSide = request.Parameter("id_card_side");
        if (declaredSide is not (IdCardFields.Front or IdCardFields.Back))
        {
            return Failure(state, 216100, "invalid param");
        }

        var (input, refused) = ImageParameter.Read(request, imageValue.ToString());
        if (input is null)
        {
            return refused!;
        }

        var image = input.Image;
        if (image.GroundTruthJson is null)
        {
            return await RecognizeAsync(request, input.Bytes, declaredSide, cancellationToken);
        }

        // A document's or a moderation sample's ground truth says there is no card in the picture.
        if (GroundTruthKinds.Of(image.GroundTruthJson) != GroundTruthKinds.Card)
        {
            return NotACard(state);
        }

        CardGroundTruth truth;
        try
        {
            truth = CardGroundTruth.Parse(image.GroundTruthJson);
        }
        catch (FormatException)
        {
            // A broken fixture is a bug in the test that made it; Baidu's catch-all code says "not your input".
            return Failure(state, 282000, "internal error");
        }

        if (truth.ImageStatus == NonIdCard)
        {
            return NotACard(state);
        }

        // A synthetic front's holder is known to the authority from the moment the card is read (see CardAuthority).
        state.People.RegisterFromCard(truth);

        var fields = truth.Fields.Select(field => new AnsweredField(field.Key, field.Value, CardLayout.FieldBox(field.Key, field.Value) ?? default)).ToList();
        return Recognised(request, truth.Side, fields, declaredSide, truth.ImageStatus, truth.RiskType);
    }

    /// <summary>An image without ground truth: read by PaddleOCR when recognition is on and its models are there, else a non-card.</summary>
    private static async Task<ApiAnswer> RecognizeAsync(
        ApiRequest request, ReadOnlyMemory<byte> image, string declaredSide, CancellationToken cancellationToken)
    {
        var (state, options) = (request.State, request.Options);
        if (options.Recognition == RecognitionMode.Off || !PaddleOcr.Probe(PaddleOcr.ResolveFolder(options.OcrModels)).IsAvailable)
        {
            return NotACard(state);
        }

        ReadCard? card;
        try
        {
            card = await CardRecognizer.RecognizeAsync(options, image, cancellationToken);
        }
        catch (InvalidDataException)
        {
            // The header was readable (the format and the sides were), the pixels are not.
            return Failure(state, 216201, "image format error");
        }
        catch (Exception exception) when (exception is TimeoutException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or IOException)
        {
            // Baidu's catch-all for its own faults, which callers retry: the engine failed, not the image.
            return Failure(state, 282000, "internal error");
        }

        if (card is null)
        {
            return NotACard(state);
        }

        // Every key of the side, as Baidu answers: a field that was not found has empty words and an empty box.
        var keys = card.Side == IdCardFields.Front ? IdCardFields.FrontKeys : IdCardFields.BackKeys;
        var fields = keys
            .Select(key => card.Fields.TryGetValue(key, out var read) ? new AnsweredField(key, read.Words, read.Location) : new AnsweredField(key, string.Empty, default))
            .ToList();
        return Recognised(request, card.Side, fields, declaredSide, null, null);
    }

    private static ApiAnswer Recognised(
        ApiRequest request, string side, IReadOnlyList<AnsweredField> fields, string declaredSide, string? imageStatusOverride, string? riskType)
    {
        var state = request.State;
        // Baidu detects the side itself: a wrong declaration still reads the card, and says so.
        var imageStatus = side != declaredSide ? "reversed_side" : imageStatusOverride ?? "normal";
        int? numberType = side == IdCardFields.Front ? IdCardNumberType(fields.ToDictionary(field => field.Field, field => field.Words)) : null;

        var words = new JsonObject();
        foreach (var (field, text, box) in fields)
        {
            words[field] = new JsonObject
            {
                // An invalid number is not returned: its words are empty.
                ["words"] = field == IdCardFields.IdNumber && numberType == 0 ? string.Empty : text,
                ["location"] = new JsonObject
                {
                    ["left"] = box.Left,
                    ["top"] = box.Top,
                    ["width"] = box.Width,
                    ["height"] = box.Height,
                },
            };
        }

        var body = new JsonObject
        {
            ["log_id"] = BaiduResponse.LogId(state),
            ["words_result"] = words,
            ["words_result_num"] = fields.Count,
            ["image_status"] = imageStatus,
        };

        if (numberType is { } type)
        {
            body["idcard_number_type"] = type;
        }

        if (request.IsTrue("detect_risk"))
        {
            var risk = riskType ?? "normal";

            // Screenshots are folded into "screen" unless the caller asked to tell them apart.
            body["risk_type"] = risk == "screenshot" && !request.IsTrue("detect_screenshot") ? "screen" : risk;
        }

        if (request.IsTrue("detect_direction"))
        {
            body["direction"] = 0;
        }

        return new ApiAnswer(body, null, imageStatus);
    }

    private static ApiAnswer NotACard(EmulatorState state)
    {
        if (state.Options.NonCardAnswer == NonCardAnswer.Error216633)
        {
            return Failure(state, 216633, "recognize idcard error");
        }

        var body = new JsonObject
        {
            ["log_id"] = BaiduResponse.LogId(state),
            ["words_result"] = new JsonObject(),
            ["words_result_num"] = 0,
            ["image_status"] = NonIdCard,
        };
        return new ApiAnswer(body, null, NonIdCard);
    }

    /// <summary>
    /// -1 nothing read; 0 number invalid; 1 consistent with birth date and sex; 2 consistent with neither;
    /// 3 inconsistent with the birth date only; 4 inconsistent with the sex only.
    /// </summary>
    private static int IdCardNumberType(IReadOnlyDictionary<string, string> fields)
    {
        if (IdCardFields.FrontKeys.All(key => !fields.TryGetValue(key, out var value) || value.Length == 0))
        {
            return -1;
        }

        if (!fields.TryGetValue(IdCardFields.IdNumber, out var number) || !ResidentIdNumber.IsValid(number))
        {
            return 0;
        }

        var birthMatches = fields.TryGetValue(IdCardFields.BirthDate, out var birth) && birth == number.Substring(6, 8);
        var sexMatches = fields.TryGetValue(IdCardFields.Gender, out var gender)
            && ((gender == "男" && ResidentIdNumber.IsMale(number)) || (gender == "女" && !ResidentIdNumber.IsMale(number)));
        return (birthMatches, sexMatches) switch
        {
            (true, true) => 1,
            (false, false) => 2,
            (false, true) => 3,
            (true, false) => 4,
        };
    }

    private static ApiAnswer Failure(EmulatorState state, int code, string message) => BaiduCall.Failure(state, code, message);

    private sealed record AnsweredField(string Field, string Words, CardBox Box);
}

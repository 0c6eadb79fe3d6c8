using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>POST /rest/2.0/ocr/v1/idcard</c>. Every outcome, failures included, is an HTTP 200 with a JSON body, as
/// Baidu's OCR endpoints answer; the checks run in the order a gateway would: token, QPS, quota, then the request
/// itself. Injected faults (<see cref="EmulatorOptions"/>) are drawn after the token, QPS and quota checks, so a call
/// over the real limit is still a genuine error 18.
/// </summary>
internal static class IdCardEndpoint
{
    public const string Path = "/rest/2.0/ocr/v1/idcard";
    public const string Name = "idcard";

    private const string NonIdCard = "non_idcard";

    public static async Task HandleAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<EmulatorState>();
        var sequence = state.Calls.NextSequence();
        var arrivedAt = state.TimeProvider.GetUtcNow();
        string? side = null;
        OcrAnswer? answer = null;
        DateTimeOffset? answeredAt = null;
        try
        {
            var form = await ReadFormAsync(context, state.Options);
            side = Parameter(form, "id_card_side");
            answer = await AnswerAsync(state, context.Request.Query["access_token"].ToString(), form, arrivedAt, context.RequestAborted);
            answeredAt = await SendAsync(context, state, answer);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up first: nothing is sent, and the call is logged as unanswered.
        }
        finally
        {
            state.Calls.Add(sequence, new EmulatorCall(arrivedAt, Name, side, answer?.ErrorCode, answer?.ImageStatus, answer?.Fault, answeredAt));
        }
    }

    /// <summary>Sends the answer after the drawn latency, or acts out its fault; returns when it was sent, or null if never.</summary>
    private static async Task<DateTimeOffset?> SendAsync(HttpContext context, EmulatorState state, OcrAnswer answer)
    {
        var options = state.Options;
        var aborted = context.RequestAborted;
        switch (answer.Fault)
        {
            case EmulatorFaults.Timeout:
                // Held until the client's own timeout fires and it closes the connection; a client without one gets a 504 at last.
                await Task.Delay(EmulatorOptions.TimeoutHold, state.TimeProvider, aborted);
                await WriteGatewayErrorAsync(context, StatusCodes.Status504GatewayTimeout, "504 Gateway Time-out");
                return state.TimeProvider.GetUtcNow();
            case EmulatorFaults.ConnectionReset:
                context.Abort();
                return state.TimeProvider.GetUtcNow();
        }

        // Until the clock says the latency has passed: a timer may fire a little before the wall clock agrees.
        var due = state.TimeProvider.GetUtcNow() + state.Faults.DrawLatency(options);
        for (var left = due - state.TimeProvider.GetUtcNow(); left > TimeSpan.Zero; left = due - state.TimeProvider.GetUtcNow())
        {
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, state.TimeProvider, aborted);
        }

        var answeredAt = state.TimeProvider.GetUtcNow();
        if (answer.Fault == EmulatorFaults.ServerError)
        {
            var status = state.Faults.DrawServerErrorStatus(options);
            await WriteGatewayErrorAsync(context, status, status switch
            {
                StatusCodes.Status500InternalServerError => "500 Internal Server Error",
                StatusCodes.Status502BadGateway => "502 Bad Gateway",
                _ => "503 Service Temporarily Unavailable",
            });
        }
        else
        {
            await BaiduResponse.WriteAsync(context, StatusCodes.Status200OK, answer.Body!);
        }

        return answeredAt;
    }

    /// <summary>What a front proxy sends when the service behind it fails: HTML, not Baidu's JSON.</summary>
    private static async Task WriteGatewayErrorAsync(HttpContext context, int status, string title)
    {
        var body = System.Text.Encoding.ASCII.GetBytes(
            $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task<OcrAnswer> AnswerAsync(EmulatorState state, string accessToken, IFormCollection form, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var options = state.Options;
        if (accessToken.Length == 0)
        {
            return Failure(state, 100, "Invalid parameter");
        }

        switch (state.Tokens.Check(accessToken, out var token))
        {
            case TokenState.Unknown:
                return Failure(state, 110, "Access token invalid or no longer valid");
            case TokenState.Expired:
                return Failure(state, 111, "Access token expired");
        }

        var application = token!.ClientId;
        if (!state.Qps.TryAcquire(application, options.QpsLimit, now))
        {
            return Failure(state, 18, "Open api qps request limit reached");
        }

        switch (state.Quota.TryTake(options, now, out var quotaDay))
        {
            case EmulatorFaults.TotalQuota:
                return Failure(state, 19, "Open api total request limit reached") with { Fault = EmulatorFaults.TotalQuota };
            case EmulatorFaults.DailyQuota:
                return Failure(state, 17, "Open api daily request limit reached") with { Fault = EmulatorFaults.DailyQuota };
        }

        var answer = state.Faults.DrawFault(options, now) switch
        {
            null => await AnswerRequestAsync(state, form, cancellationToken),
            EmulatorFaults.QpsBurst => Failure(state, 18, "Open api qps request limit reached") with { Fault = EmulatorFaults.QpsBurst },
            EmulatorFaults.InternalError => Failure(state, 282000, "internal error") with { Fault = EmulatorFaults.InternalError },
            var other => new OcrAnswer(null, null, null, other),
        };

        if (answer.Fault == EmulatorFaults.QpsBurst)
        {
            // Baidu does not count a call it turned away with error 18.
            state.Qps.Release(application, now);
        }

        if (answer.ErrorCode is not null || answer.Fault is not null)
        {
            // Only billed calls use the quota: those answered with a success body.
            state.Quota.GiveBack(quotaDay);
        }

        return answer;
    }

    /// <summary>The request itself: parameters, image limits, then the card.</summary>
    private static async Task<OcrAnswer> AnswerRequestAsync(EmulatorState state, IFormCollection form, CancellationToken cancellationToken)
    {
        var options = state.Options;

        // A `url` alone is treated as no image: the emulator never downloads anything.
        if (!form.TryGetValue("image", out var imageValue))
        {
            return Failure(state, 216101, "not enough param");
        }

        var declaredSide = Parameter(form, "id_card_side");
        if (declaredSide is not (IdCardFields.Front or IdCardFields.Back))
        {
            return Failure(state, 216100, "invalid param");
        }

        var base64 = imageValue.ToString();
        if (base64.Length == 0)
        {
            return Failure(state, 216200, "empty image");
        }

        if (base64.Length > options.MaxImageBase64Bytes)
        {
            return Failure(state, 216202, "image size error");
        }

        var bytes = new byte[((base64.Length + 3) / 4) * 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var byteCount))
        {
            return Failure(state, 216201, "image format error");
        }

        if (byteCount == 0)
        {
            return Failure(state, 216200, "empty image");
        }

        var image = ImageInspector.Inspect(bytes.AsSpan(0, byteCount));
        if (image is null)
        {
            return Failure(state, 216201, "image format error");
        }

        if (Math.Min(image.Width, image.Height) < options.MinImageSide || Math.Max(image.Width, image.Height) > options.MaxImageSide)
        {
            return Failure(state, 216202, "image size error");
        }

        if (image.GroundTruthJson is null)
        {
            return await RecognizeAsync(state, bytes.AsMemory(0, byteCount), declaredSide, form, cancellationToken);
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

        var fields = truth.Fields.Select(field => new AnsweredField(field.Key, field.Value, CardLayout.FieldBox(field.Key, field.Value) ?? default)).ToList();
        return Recognised(state, truth.Side, fields, declaredSide, form, truth.ImageStatus, truth.RiskType);
    }

    /// <summary>An image without ground truth: read by PaddleOCR when recognition is on and its models are there, else a non-card.</summary>
    private static async Task<OcrAnswer> RecognizeAsync(
        EmulatorState state, ReadOnlyMemory<byte> image, string declaredSide, IFormCollection form, CancellationToken cancellationToken)
    {
        var options = state.Options;
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
        return Recognised(state, card.Side, fields, declaredSide, form, null, null);
    }

    private static OcrAnswer Recognised(
        EmulatorState state, string side, IReadOnlyList<AnsweredField> fields, string declaredSide, IFormCollection form, string? imageStatusOverride, string? riskType)
    {
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

        if (IsTrue(form, "detect_risk"))
        {
            var risk = riskType ?? "normal";

            // Screenshots are folded into "screen" unless the caller asked to tell them apart.
            body["risk_type"] = risk == "screenshot" && !IsTrue(form, "detect_screenshot") ? "screen" : risk;
        }

        if (IsTrue(form, "detect_direction"))
        {
            body["direction"] = 0;
        }

        return new OcrAnswer(body, null, imageStatus);
    }

    private static OcrAnswer NotACard(EmulatorState state)
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
        return new OcrAnswer(body, null, NonIdCard);
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

    private static OcrAnswer Failure(EmulatorState state, int code, string message) =>
        new(BaiduResponse.Error(state, code, message), code, null);

    private static async Task<IFormCollection> ReadFormAsync(HttpContext context, EmulatorOptions options)
    {
        if (!context.Request.HasFormContentType)
        {
            return FormCollection.Empty;
        }

        // Room for the largest Base64 image the options allow even if every character were percent-encoded, so
        // that an oversized image reaches the 216202 check instead of failing inside the form reader.
        var allowed = Math.Max((3L * options.MaxImageBase64Bytes) + (1 << 20), 30L << 20);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = allowed;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions
        {
            ValueLengthLimit = (int)Math.Min(allowed, int.MaxValue),
            BufferBodyLengthLimit = allowed,
        }));

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            // A body that does not parse as a form carries no usable parameters.
            return FormCollection.Empty;
        }
    }

    private static string? Parameter(IFormCollection form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : null;

    private static bool IsTrue(IFormCollection form, string name) =>
        string.Equals(Parameter(form, name), "true", StringComparison.OrdinalIgnoreCase);

    private sealed record OcrAnswer(JsonObject? Body, int? ErrorCode, string? ImageStatus, string? Fault = null);

    private sealed record AnsweredField(string Field, string Words, CardBox Box);
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace Shiming.BaiduEmulator;

/// <summary>
/// What one call is answered with: the body (null when a fault sends none), the <c>error_code</c> and
/// <c>image_status</c> (or moderation's <c>conclusionType</c>) for the call log, and the injected fault, if any.
/// </summary>
/// <param name="Billed">Whether the call uses the quota; unset, a call is billed when it is answered with a success body.</param>
/// <param name="VerifyStatus">The identity check's <c>result.verify_status</c>, for the call log.</param>
/// <param name="Subject">A keyed hash of the ID number an identity check asked about, for the call log (never the number).</param>
internal sealed record ApiAnswer(
    JsonObject? Body, int? ErrorCode, string? ImageStatus, string? Fault = null, int? ConclusionType = null, bool? Billed = null, int? VerifyStatus = null, string? Subject = null)
{
    public bool IsBilled => Billed ?? (ErrorCode is null && Fault is null);
}

/// <summary>The request of one call as the API sees it: its form (or raw body), the settings of that API, the emulator's state.</summary>
internal sealed record ApiRequest(EmulatorState State, EmulatorOptions Options, IFormCollection Form, byte[]? Body = null)
{
    public string? Parameter(string name) => Form.TryGetValue(name, out var value) ? value.ToString() : null;

    public bool IsTrue(string name) => string.Equals(Parameter(name), "true", StringComparison.OrdinalIgnoreCase);

    public ApiAnswer Failure(int code, string message) => BaiduCall.Failure(State, code, message);
}

/// <summary>
/// What every Baidu API the emulator answers has in common. Every outcome, failures included, is an HTTP 200 with a
/// JSON body, as Baidu's APIs answer; the checks run in the order a gateway would: token, permission, QPS, quota, then
/// the request itself. The gateway's checks (admission) are decided when the call arrives, before its body is read, so
/// neither a large upload nor a busy moment later in the call moves its place in the QPS window. Injected faults
/// (<see cref="EmulatorOptions"/>) are drawn after admission, so a call over the real limit is still a genuine error 18.
/// Each API has its own settings (<see cref="EmulatorOptions.For"/>) and its own QPS window, quota and fault draws
/// (<see cref="EmulatorState.For"/>).
/// </summary>
internal static class BaiduCall
{
    /// <summary>Answers one call to <paramref name="api"/>; <paramref name="answerRequest"/> answers a call that passed the gateway's checks.</summary>
    /// <param name="context">The call.</param>
    /// <param name="api">The API's name, as the call log and <c>Emulator:Apis</c> have it.</param>
    /// <param name="answerRequest">The API itself: its parameters, its image limits, its answer.</param>
    /// <param name="sideParameter">The form field the call log records as the call's side, if the API has one.</param>
    /// <param name="jsonBody">Whether the API takes a JSON body (the identity checks) rather than a form.</param>
    public static async Task HandleAsync(
        HttpContext context, string api, Func<ApiRequest, CancellationToken, Task<ApiAnswer>> answerRequest, string? sideParameter = null, bool jsonBody = false)
    {
        var state = context.RequestServices.GetRequiredService<EmulatorState>();
        var sequence = state.Calls.NextSequence();
        var arrivedAt = state.TimeProvider.GetUtcNow();
        var options = state.Options.For(api);
        var admission = Admit(state, options, api, context.Request.Query["access_token"].ToString(), arrivedAt);
        string? side = null;
        ApiAnswer? answer = null;
        DateTimeOffset? answeredAt = null;
        try
        {
            var request = jsonBody
                ? new ApiRequest(state, options, FormCollection.Empty, await ReadBodyAsync(context))
                : new ApiRequest(state, options, await ReadFormAsync(context, options));
            side = sideParameter is null ? null : request.Parameter(sideParameter);
            answer = admission.Refused ?? await AnswerAsync(request, api, admission, arrivedAt, answerRequest, context.RequestAborted);
            answeredAt = await SendAsync(context, state, options, api, answer);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up first: nothing is sent, and the call is logged as unanswered.
        }
        finally
        {
            state.Calls.Add(sequence, new EmulatorCall(
                arrivedAt, api, side, answer?.ErrorCode, answer?.ImageStatus, answer?.Fault, answeredAt, answer?.ConclusionType, answer?.VerifyStatus, answer?.Subject));
        }
    }

    public static ApiAnswer Failure(EmulatorState state, int code, string message) =>
        new(BaiduResponse.Error(state, code, message), code, null);

    /// <summary>Sends the answer after the drawn latency, or acts out its fault; returns when it was sent, or null if never.</summary>
    private static async Task<DateTimeOffset?> SendAsync(HttpContext context, EmulatorState state, EmulatorOptions options, string api, ApiAnswer answer)
    {
        var aborted = context.RequestAborted;
        var faults = state.For(api).Faults;
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
        var due = state.TimeProvider.GetUtcNow() + faults.DrawLatency(options);
        for (var left = due - state.TimeProvider.GetUtcNow(); left > TimeSpan.Zero; left = due - state.TimeProvider.GetUtcNow())
        {
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, state.TimeProvider, aborted);
        }

        var answeredAt = state.TimeProvider.GetUtcNow();
        if (answer.Fault == EmulatorFaults.ServerError)
        {
            var status = faults.DrawServerErrorStatus(options);
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

    /// <summary>The gateway's checks, at arrival: token, permission, QPS window, quota; a refusal, or what the admitted call holds.</summary>
    private static Admission Admit(EmulatorState state, EmulatorOptions options, string api, string accessToken, DateTimeOffset now)
    {
        if (accessToken.Length == 0)
        {
            return new Admission(Failure(state, 100, "Invalid parameter"), null, default);
        }

        switch (state.Tokens.Check(accessToken, out var token))
        {
            case TokenState.Unknown:
                return new Admission(Failure(state, 110, "Access token invalid or no longer valid"), null, default);
            case TokenState.Expired:
                return new Admission(Failure(state, 111, "Access token expired"), null, default);
        }

        if (!options.Enabled)
        {
            // The API is not ticked on the application (or the account is not verified for it).
            return new Admission(Failure(state, 6, "no permission to access data"), null, default);
        }

        var application = token!.ClientId;
        var counters = state.For(api);
        if (!counters.Qps.TryAcquire(application, options.QpsLimit, now))
        {
            return new Admission(Failure(state, 18, "Open api qps request limit reached"), null, default);
        }

        switch (counters.Quota.TryTake(options, now, out var quotaDay))
        {
            case EmulatorFaults.TotalQuota:
                return new Admission(Failure(state, 19, "Open api total request limit reached") with { Fault = EmulatorFaults.TotalQuota }, application, default);
            case EmulatorFaults.DailyQuota:
                return new Admission(Failure(state, 17, "Open api daily request limit reached") with { Fault = EmulatorFaults.DailyQuota }, application, default);
        }

        return new Admission(null, application, quotaDay);
    }

    private static async Task<ApiAnswer> AnswerAsync(
        ApiRequest request, string api, Admission admission, DateTimeOffset now, Func<ApiRequest, CancellationToken, Task<ApiAnswer>> answerRequest, CancellationToken cancellationToken)
    {
        var (state, options) = (request.State, request.Options);
        var counters = state.For(api);
        var answer = counters.Faults.DrawFault(options, now) switch
        {
            null => await answerRequest(request, cancellationToken),
            EmulatorFaults.QpsBurst => Failure(state, 18, "Open api qps request limit reached") with { Fault = EmulatorFaults.QpsBurst },
            EmulatorFaults.InternalError => Failure(state, 282000, "internal error") with { Fault = EmulatorFaults.InternalError },
            var other => new ApiAnswer(null, null, null, other),
        };

        if (answer.Fault == EmulatorFaults.QpsBurst)
        {
            // Baidu does not count a call it turned away with error 18.
            counters.Qps.Release(admission.Application!, now);
        }

        if (!answer.IsBilled)
        {
            // Only billed calls use the quota: those answered with a success body, or an identity check's verdict.
            counters.Quota.GiveBack(admission.QuotaDay);
        }

        return answer;
    }

    /// <summary>A JSON API's body, as bytes; at most 1 MB, which a name and a number never come near.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

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
}

/// <summary>The gateway's verdict on a call at its arrival: a refusal, or the application and quota day it was admitted under.</summary>
internal sealed record Admission(ApiAnswer? Refused, string? Application, DateOnly QuotaDay);

/// <summary>An image parameter that passed Baidu's checks: its bytes and what its header says.</summary>
internal sealed record ImageInput(ReadOnlyMemory<byte> Bytes, InspectedImage Image);

/// <summary>The checks every image parameter goes through, in Baidu's order: empty, size, Base64, format, sides.</summary>
internal static class ImageParameter
{
    /// <summary>The image, or the error that refuses it (216200, 216201 or 216202).</summary>
    public static (ImageInput? Image, ApiAnswer? Failure) Read(ApiRequest request, string base64)
    {
        var options = request.Options;
        if (base64.Length == 0)
        {
            return (null, request.Failure(216200, "empty image"));
        }

        if (base64.Length > options.MaxImageBase64Bytes || base64.Length < options.MinImageBase64Bytes)
        {
            return (null, request.Failure(216202, "image size error"));
        }

        var bytes = new byte[((base64.Length + 3) / 4) * 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var byteCount))
        {
            return (null, request.Failure(216201, "image format error"));
        }

        if (byteCount == 0)
        {
            return (null, request.Failure(216200, "empty image"));
        }

        var image = ImageInspector.Inspect(bytes.AsSpan(0, byteCount));
        if (image is null)
        {
            return (null, request.Failure(216201, "image format error"));
        }

        if (Math.Min(image.Width, image.Height) < options.MinImageSide || Math.Max(image.Width, image.Height) > options.MaxImageSide)
        {
            return (null, request.Failure(216202, "image size error"));
        }

        return (new ImageInput(bytes.AsMemory(0, byteCount), image), null);
    }
}

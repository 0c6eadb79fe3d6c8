using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shiming.Api;
using Shiming.Baidu;
using Shiming.Hosting;
using Shiming.IdCards;

namespace Shiming.Verifications;

/// <summary>What the verification handlers need, bundled for <c>[AsParameters]</c>.</summary>
public sealed record VerificationServices(
    VerificationStore Store,
    PublicUrls Urls,
    TimeProvider Time,
    IOptionsMonitor<BaiduOptions> Baidu,
    ILogger<VerificationStore> Logger);

/// <summary><c>POST /api/verifications</c> and <c>GET /api/verifications/{id}</c>.</summary>
public static class VerificationEndpoints
{
    // Multipart framing around the image: boundaries, part headers and the side field.
    private const int MultipartOverheadBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapVerifications(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("").WithTags("Verifications").RequireAuthorization();

        group.MapFunction(ShimingFunctions.SubmitVerification, SubmitAsync)
            .WithSummary("Submit a photo of an ID card for recognition.");

        group.MapFunction(ShimingFunctions.GetVerificationStatus, GetStatusAsync)
            .WithSummary("Where a verification stands, and its result once finished.");

        return api;
    }

    public static async Task<Results<Accepted<VerificationAccepted>, ProblemHttpResult>> SubmitAsync(
        HttpContext context, CallerAccount caller, [AsParameters] VerificationServices services, CancellationToken cancellationToken)
    {
        var upload = await ReadUploadAsync(context, cancellationToken);
        if (upload.Problem is { } problem)
        {
            return problem;
        }

        VerificationJob job;
        try
        {
            job = await services.Store.SubmitAsync(caller.Key, upload.Side, upload.Image!, upload.ContentType!, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            Log.SubmitStorageFailed(services.Logger, ex);
            return Problems.StorageUnavailable();
        }

        Log.Accepted(services.Logger, job.Id, job.Side.ToWireName(), upload.Image!.ToMemory().Length);
        var waiting = await EstimateAsync(services, cancellationToken);
        var statusUri = StatusUri(context.Request, services.Urls, job.Id);
        SetRetryAfter(context.Response, waiting, services.Time);
        return TypedResults.Accepted(statusUri, new VerificationAccepted(
            job.Id,
            statusUri,
            services.Urls.Absolute(context.Request, $"/api/verifications/{Uri.EscapeDataString(job.Id)}/terminate"),
            statusUri,
            job.Status,
            job.CreatedTime,
            waiting));
    }

    public static async Task<Results<Ok<VerificationStatus>, Accepted<VerificationStatus>, ProblemHttpResult>> GetStatusAsync(
        string id, HttpContext context, CallerAccount caller, [AsParameters] VerificationServices services, CancellationToken cancellationToken)
    {
        var job = await services.Store.FindAsync(caller.Key, id, cancellationToken);
        if (job is null)
        {
            return Problems.VerificationNotFound();
        }

        if (job.Status.IsTerminal())
        {
            return TypedResults.Ok(ToStatus(job, customStatus: null));
        }

        var waiting = await EstimateAsync(services, cancellationToken);
        SetRetryAfter(context.Response, waiting, services.Time);
        return TypedResults.Accepted(StatusUri(context.Request, services.Urls, job.Id), ToStatus(job, waiting));
    }

    private static VerificationStatus ToStatus(VerificationJob job, WaitingStatus? customStatus) => new(
        job.Id,
        VerificationStatus.OrchestrationName,
        job.Status,
        job.CreatedTime,
        job.LastUpdatedTime,
        customStatus,
        job.Output,
        job.Error);

    private static string StatusUri(HttpRequest request, PublicUrls urls, string id) =>
        urls.Absolute(request, $"/api/verifications/{Uri.EscapeDataString(id)}");

    /// <summary>A first estimate from the queue's length and the budget: every queued job ahead takes one call.</summary>
    private static async Task<WaitingStatus> EstimateAsync(VerificationServices services, CancellationToken cancellationToken)
    {
        var backlog = await services.Store.GetBacklogAsync(cancellationToken);
        var wait = TimeSpan.FromSeconds((double)backlog / services.Baidu.CurrentValue.QpsLimit);
        return new WaitingStatus(QueuePosition: null, services.Time.GetUtcNow() + wait, Reason: null);
    }

    private static void SetRetryAfter(HttpResponse response, WaitingStatus waiting, TimeProvider time)
    {
        var seconds = (int)Math.Ceiling((waiting.EstimatedStartTime - time.GetUtcNow()).TotalSeconds);
        response.Headers.RetryAfter = Math.Clamp(seconds, 1, 60).ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Upload(BinaryData? Image, string? ContentType, IdCardSide Side, ProblemHttpResult? Problem)
    {
        public static Upload Refused(ProblemHttpResult problem) => new(null, null, default, problem);
    }

    /// <summary>
    /// Reads the image from a multipart <c>image</c> part or a raw image body, refusing anything larger
    /// than Baidu accepts before it is buffered whole.
    /// </summary>
    private static async Task<Upload> ReadUploadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limit = VerificationOptions.MaxImageBytes;
        if (request.ContentLength > limit + MultipartOverheadBytes)
        {
            return Upload.Refused(Problems.ImageTooLarge(limit));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit + MultipartOverheadBytes;
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(cancellationToken);
                if (!IdCardSides.TryParse(form["side"], out var formSide))
                {
                    return Upload.Refused(UnknownSide());
                }

                if (form.Files.GetFile("image") is not { } file)
                {
                    return Upload.Refused(Problems.BadRequest("image_missing", "No image was sent.",
                        "Send the photo as a multipart part named \"image\", or as the raw request body with an image Content-Type."));
                }

                if (file.Length > limit)
                {
                    return Upload.Refused(Problems.ImageTooLarge(limit));
                }

                await using var stream = file.OpenReadStream();
                return await ReadImageAsync(stream, formSide, limit, cancellationToken);
            }

            if (!ImageFormats.IsImageMediaType(request.ContentType))
            {
                return Upload.Refused(Problems.UnsupportedImage());
            }

            if (!IdCardSides.TryParse(request.Query["side"], out var querySide))
            {
                return Upload.Refused(UnknownSide());
            }

            return await ReadImageAsync(request.Body, querySide, limit, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Upload.Refused(Problems.ImageTooLarge(limit));
        }
        catch (InvalidDataException)
        {
            return Upload.Refused(Problems.BadRequest("malformed_request", "The request body could not be read.",
                "Send multipart/form-data with an \"image\" part, or the raw image with Content-Type image/jpeg, image/png or image/bmp."));
        }
    }

    private static async Task<Upload> ReadImageAsync(Stream source, IdCardSide side, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return Upload.Refused(Problems.ImageTooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            return Upload.Refused(Problems.BadRequest("image_empty", "The image is empty.", "Send the photo of the card; the body was empty."));
        }

        return ImageFormats.Detect(bytes) is { } mediaType
            ? new Upload(BinaryData.FromBytes(bytes), mediaType, side, null)
            : Upload.Refused(Problems.UnsupportedImage());
    }

    private static ProblemHttpResult UnknownSide() => Problems.BadRequest("unknown_side", "Unknown card side.",
        "Set side to \"front\" (the side with the portrait) or \"back\" (the side with the national emblem).");
}

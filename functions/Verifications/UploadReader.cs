using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Shiming.Api;
using Shiming.IdCards;

namespace Shiming.Verifications;

/// <summary>An image that passed every check, ready to store.</summary>
public sealed record Upload(BinaryData Image, ImageHeader Header, IdCardSide Side);

/// <summary>
/// Reads a submission — a multipart <c>image</c> part with an optional <c>side</c> field, or a raw image
/// body with <c>?side=</c> — streaming and bounded: nothing larger than Baidu accepts is ever buffered,
/// and the image's type and size are checked from its own bytes before anything is stored.
/// </summary>
public static class UploadReader
{
    // Room for boundaries, part headers and the side field around the image.
    private const int MultipartOverheadBytes = 64 * 1024;
    private const int MaxFieldBytes = 64;

    /// <param name="withSide">False for kinds of job that have no card side: <c>side</c> is then not read, and the upload is <c>front</c>.</param>
    public static async Task<Results<Ok<Upload>, ProblemHttpResult>> ReadAsync(HttpContext context, CancellationToken cancellationToken, bool withSide = true)
    {
        var request = context.Request;
        var limit = VerificationOptions.MaxImageBytes;
        if (request.ContentLength > limit + MultipartOverheadBytes)
        {
            return Problems.ImageTooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit + MultipartOverheadBytes;
        }

        if (request.ContentLength == 0)
        {
            return EmptyBody();
        }

        try
        {
            return MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
                && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                    ? await ReadMultipartAsync(request, contentType, limit, withSide, cancellationToken)
                    : await ReadRawAsync(request, limit, withSide, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.ImageTooLarge(limit);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException or IOException)
        {
            return Malformed("The multipart body could not be read: check that its boundary matches the Content-Type header.");
        }
    }

    private static async Task<Results<Ok<Upload>, ProblemHttpResult>> ReadRawAsync(HttpRequest request, int limit, bool withSide, CancellationToken cancellationToken)
    {
        if (!ImageHeader.IsImageMediaType(request.ContentType))
        {
            return Problems.UnsupportedImage();
        }

        if (!IdCardSides.TryParse(withSide ? request.Query["side"].ToString() : null, out var side))
        {
            return UnknownSide();
        }

        var bytes = await BoundedBody.ReadAsync(request.BodyReader, limit, cancellationToken);
        return bytes is null ? Problems.ImageTooLarge(limit) : Inspect(bytes, side);
    }

    private static async Task<Results<Ok<Upload>, ProblemHttpResult>> ReadMultipartAsync(
        HttpRequest request, MediaTypeHeaderValue contentType, int limit, bool withSide, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70)
        {
            return Malformed("The multipart Content-Type has no valid boundary.");
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = limit + 1 };
        byte[]? image = null;
        string? sideField = null;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            // A browser's FormData, curl -F and MultipartFormDataContent all send the image as a file part (with a filename).
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !(disposition.IsFormDisposition() || disposition.IsFileDisposition()))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (string.Equals(name, "image", StringComparison.Ordinal) && image is null)
            {
                image = await BoundedBody.ReadAsync(section.Body, limit, cancellationToken);
                if (image is null)
                {
                    return Problems.ImageTooLarge(limit);
                }
            }
            else if (withSide && string.Equals(name, "side", StringComparison.Ordinal))
            {
                var value = await BoundedBody.ReadAsync(section.Body, MaxFieldBytes, cancellationToken);
                sideField = value is null ? "\u0000" : System.Text.Encoding.UTF8.GetString(value);
            }
            else
            {
                await section.Body.DrainAsync(cancellationToken);
            }
        }

        if (!IdCardSides.TryParse(withSide ? sideField ?? request.Query["side"].ToString() : null, out var side))
        {
            return UnknownSide();
        }

        if (image is null)
        {
            return Problems.BadRequest("image_missing", "No image was sent.",
                "Send the photo as a multipart part named \"image\", or as the raw request body with Content-Type image/jpeg, image/png or image/bmp.");
        }

        return Inspect(image, side);
    }

    private static Results<Ok<Upload>, ProblemHttpResult> Inspect(byte[] bytes, IdCardSide side)
    {
        if (bytes.Length == 0)
        {
            return EmptyBody();
        }

        if (ImageHeader.DetectType(bytes) is null)
        {
            return Problems.UnsupportedImage();
        }

        if (ImageHeader.TryRead(bytes) is not { } header)
        {
            return Problems.ImageUnusable("The image's header is truncated or corrupt. Send the photo file again, as it came from the camera.");
        }

        return header.FitsBaidu
            ? TypedResults.Ok(new Upload(BinaryData.FromBytes(bytes), header, side))
            : Problems.ImageUnusable(
                $"The image is {header.Width}×{header.Height} pixels; each side must be between {ImageHeader.MinSide} and {ImageHeader.MaxSide}. Take the photo again at a normal resolution.");
    }

    private static ProblemHttpResult EmptyBody() =>
        Problems.BadRequest("image_empty", "The request has no image.", "Send the photo of the card; the body was empty.");

    private static ProblemHttpResult UnknownSide() => Problems.BadRequest("unknown_side", "Unknown card side.",
        "Set side to \"front\" (the side with the portrait) or \"back\" (the side with the national emblem).");

    private static ProblemHttpResult Malformed(string detail) => Problems.BadRequest("malformed_request", "The request body could not be read.", detail);
}

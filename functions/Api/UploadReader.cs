using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
namespace Shiming.Api;

/// <summary>An image that passed every check, ready to store, with the value of the submission's field if it has one.</summary>
public sealed record Upload(BinaryData Image, ImageHeader Header, string? Field);

/// <summary>
/// A field a kind of submission takes beside its image (a card's <c>side</c>): a multipart field, or the query
/// parameter of that name with a raw body; <see cref="IsValid"/> is given null when it is absent.
/// </summary>
public sealed record UploadField(string Name, Func<string?, bool> IsValid, Func<ProblemHttpResult> Invalid);

/// <summary>
/// Reads a submission — a multipart <c>image</c> part with an optional field (<see cref="UploadField"/>), or a raw
/// image body with the field in the query — streaming and bounded: nothing larger than Baidu accepts is ever buffered,
/// and the image's type and size are checked from its own bytes before anything is stored.
/// </summary>
public static class UploadReader
{
    /// <summary>Baidu accepts at most 4 MB of Base64 per image; Base64 is 4/3 of the bytes, so 3 MiB of image.</summary>
    public const int MaxImageBytes = 3 * 1024 * 1024;

    // Room for boundaries, part headers and the field around the image.
    private const int MultipartOverheadBytes = 64 * 1024;
    private const int MaxFieldBytes = 64;

    /// <param name="field">The field the submission takes beside its image; null when it takes none.</param>
    public static async Task<Results<Ok<Upload>, ProblemHttpResult>> ReadAsync(HttpContext context, UploadField? field, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limit = MaxImageBytes;
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
                    ? await ReadMultipartAsync(request, contentType, limit, field, cancellationToken)
                    : await ReadRawAsync(request, limit, field, cancellationToken);
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

    private static async Task<Results<Ok<Upload>, ProblemHttpResult>> ReadRawAsync(HttpRequest request, int limit, UploadField? field, CancellationToken cancellationToken)
    {
        if (!ImageHeader.IsImageMediaType(request.ContentType))
        {
            return Problems.UnsupportedImage();
        }

        var value = field is null ? null : QueryValue(request, field);
        if (field is not null && !field.IsValid(value))
        {
            return field.Invalid();
        }

        var bytes = await BoundedBody.ReadAsync(request.BodyReader, limit, cancellationToken);
        return bytes is null ? Problems.ImageTooLarge(limit) : Inspect(bytes, value);
    }

    private static async Task<Results<Ok<Upload>, ProblemHttpResult>> ReadMultipartAsync(
        HttpRequest request, MediaTypeHeaderValue contentType, int limit, UploadField? field, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70)
        {
            return Malformed("The multipart Content-Type has no valid boundary.");
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = limit + 1 };
        byte[]? image = null;
        string? fieldValue = null;
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
            else if (field is not null && string.Equals(name, field.Name, StringComparison.Ordinal))
            {
                var value = await BoundedBody.ReadAsync(section.Body, MaxFieldBytes, cancellationToken);
                fieldValue = value is null ? "\u0000" : System.Text.Encoding.UTF8.GetString(value);
            }
            else
            {
                await section.Body.DrainAsync(cancellationToken);
            }
        }

        fieldValue = field is null ? null : fieldValue ?? QueryValue(request, field);
        if (field is not null && !field.IsValid(fieldValue))
        {
            return field.Invalid();
        }

        if (image is null)
        {
            return Problems.BadRequest("image_missing", "No image was sent.",
                "Send the photo as a multipart part named \"image\", or as the raw request body with Content-Type image/jpeg, image/png or image/bmp.");
        }

        return Inspect(image, fieldValue);
    }

    private static Results<Ok<Upload>, ProblemHttpResult> Inspect(byte[] bytes, string? field)
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
            ? TypedResults.Ok(new Upload(BinaryData.FromBytes(bytes), header, field))
            : Problems.ImageUnusable(
                $"The image is {header.Width}×{header.Height} pixels; each side must be between {ImageHeader.MinSide} and {ImageHeader.MaxSide}. Take the photo again at a normal resolution.");
    }

    private static ProblemHttpResult EmptyBody() =>
        Problems.BadRequest("image_empty", "The request has no image.", "Send the photo of the card; the body was empty.");

    private static string? QueryValue(HttpRequest request, UploadField field) =>
        request.Query.TryGetValue(field.Name, out var value) ? value.ToString() : null;

    private static ProblemHttpResult Malformed(string detail) => Problems.BadRequest("malformed_request", "The request body could not be read.", detail);
}

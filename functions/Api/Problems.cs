using Microsoft.AspNetCore.Http.HttpResults;

namespace Shiming.Api;

/// <summary>
/// Every error the API returns: RFC 9457 problem details with a stable <c>type</c>, a machine-readable
/// <c>code</c>, and a message a person can act on. Never an exception's text, never personal data.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string title, string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: $"urn:shiming:problem:{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult Unauthenticated() => Create(
        StatusCodes.Status401Unauthorized, "unauthenticated", "Sign in first.",
        "This API needs a signed-in account; sign in through the app and try again.");

    public static ProblemHttpResult BadRequest(string code, string title, string detail) =>
        Create(StatusCodes.Status400BadRequest, code, title, detail);

    public static ProblemHttpResult UnsupportedImage() => Create(
        StatusCodes.Status415UnsupportedMediaType, "unsupported_image_type", "This is not a JPEG, PNG or BMP image.",
        "Send a photo of the ID card as a JPEG, PNG or BMP file.");

    public static ProblemHttpResult ImageTooLarge(long maxBytes) => Create(
        StatusCodes.Status413PayloadTooLarge, "image_too_large", "The image is too large.",
        $"Send an image of at most {maxBytes / 1024} KiB: take the photo at a lower resolution or compress it.");

    public static ProblemHttpResult ImageUnusable(string detail) => Create(
        StatusCodes.Status422UnprocessableEntity, "image_unusable", "The image cannot be used.", detail);

    public static ProblemHttpResult TooManyPending(int limit) => Create(
        StatusCodes.Status429TooManyRequests, "too_many_pending", "Too many verifications are waiting.",
        $"This account already has {limit} verifications waiting. Wait for them to finish (see Retry-After), then submit again.");

    public static ProblemHttpResult SubmissionInProgress() => Create(
        StatusCodes.Status409Conflict, "submission_in_progress", "The same submission is being accepted right now.",
        "Another request with the same Idempotency-Key or the same image is still being accepted. Send this one again in a moment (see Retry-After) to get its verification.");

    public static ProblemHttpResult AlreadyFinished() => Create(
        StatusCodes.Status410Gone, "verification_finished", "The verification has already finished.",
        "It can no longer be terminated. Read its result, or purge it with DELETE.");

    /// <summary>Storage did not answer; the caller sets <c>Retry-After</c> (<see cref="StorageRetryAfterSeconds"/>).</summary>
    public static ProblemHttpResult StorageUnavailable() => Create(
        StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "The service could not store the request.",
        "Nothing was accepted. Try again in a few seconds (see Retry-After).");

    /// <summary>Storage did not answer a request that reads or changes what is stored; nothing was changed.</summary>
    public static ProblemHttpResult StorageUnreachable() => Create(
        StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "The service cannot reach its storage right now.",
        "Your verifications and patients are safe; nothing was changed. Try again in a few seconds (see Retry-After).");

    /// <summary>How long a client is asked to wait after a <c>storage_unavailable</c> answer.</summary>
    public const string StorageRetryAfterSeconds = "5";
}

/// <summary>For the OpenAPI document: the function can answer this status with a problem details body.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesProblemAttribute(int statusCode)
    : Microsoft.AspNetCore.Mvc.ProducesResponseTypeAttribute(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), statusCode, "application/problem+json");

/// <summary>
/// The problems every image submission may answer (400, 409, 413, 415, 422, 429; and 503, as every account operation):
/// one attribute for the submit functions of every kind, expanded into a <see cref="ProducesProblemAttribute"/> each in
/// the OpenAPI document.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProducesImageSubmissionProblemsAttribute : Attribute
{
    public static IReadOnlyList<int> StatusCodes { get; } =
    [
        Microsoft.AspNetCore.Http.StatusCodes.Status400BadRequest,
        Microsoft.AspNetCore.Http.StatusCodes.Status409Conflict,
        Microsoft.AspNetCore.Http.StatusCodes.Status413PayloadTooLarge,
        Microsoft.AspNetCore.Http.StatusCodes.Status415UnsupportedMediaType,
        Microsoft.AspNetCore.Http.StatusCodes.Status422UnprocessableEntity,
        Microsoft.AspNetCore.Http.StatusCodes.Status429TooManyRequests,
    ];

    public IEnumerable<ProducesProblemAttribute> Expand() => StatusCodes.Select(code => new ProducesProblemAttribute(code));
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Shiming.Api;
using Shiming.Verifications;

namespace Shiming.TextRecognitions;

/// <summary>Submit, poll, terminate and purge text recognitions: the same Durable-style status API as verifications.</summary>
[Tags("Text recognitions")]
public sealed class TextRecognitionFunctions(JobEndpoints endpoints)
{
    private const string Route = "text-recognitions";

    [Function(nameof(SubmitTextRecognition))]
    [EndpointSummary("Submit a picture of a document (a referral letter, a prescription) to have its text read.")]
    [EndpointDescription("multipart/form-data with a file part \"image\", or a raw body with Content-Type image/jpeg, image/png or image/bmp. ?accuracy=accurate (the default) or standard; ?locations=true adds each line's box. An Idempotency-Key header, or the same image and options resubmitted while its job is live, returns the existing job.")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    [ProducesProblem(StatusCodes.Status503ServiceUnavailable)]
    public async Task<Results<Accepted<VerificationAccepted>, ProblemHttpResult>> SubmitTextRecognition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "text-recognitions")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (JobEndpoints.ReadIdempotencyKey(request, out var idempotencyKey) is { } badKey)
        {
            return badKey;
        }

        if (!TextRequest.TryParse(request.Query["accuracy"], request.Query["locations"], out var options, out var problem))
        {
            return problem == "unknown_accuracy"
                ? Problems.BadRequest("unknown_accuracy", "Unknown accuracy.", "Set accuracy to \"accurate\" (the default) or \"standard\".")
                : Problems.BadRequest("invalid_locations", "Unknown value of locations.", "Set locations to \"true\" to have each line's box, or leave it out.");
        }

        var read = await UploadReader.ReadAsync(request.HttpContext, cancellationToken, withSide: false);
        if (read.Result is not Ok<Upload> { Value: { } upload })
        {
            return (ProblemHttpResult)read.Result;
        }

        return await endpoints.SubmitAsync(JobKind.Text, Route, request, upload, idempotencyKey, options.Variant, cancellationToken);
    }

    [Function(nameof(GetTextRecognitionStatus))]
    [EndpointSummary("Where a text recognition stands, and its lines once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<VerificationStatus>, Accepted<VerificationStatus>, ProblemHttpResult>> GetTextRecognitionStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "text-recognitions/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.GetStatusAsync(JobKind.Text, Route, request, id, NotFound(), cancellationToken);

    [Function(nameof(TerminateTextRecognition))]
    [EndpointSummary("Stop a text recognition that has not finished; it is never sent for recognition afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public async Task<Results<Accepted, ProblemHttpResult>> TerminateTextRecognition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "text-recognitions/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.TerminateAsync(JobKind.Text, request, id, NotFound(), cancellationToken);

    [Function(nameof(PurgeTextRecognition))]
    [EndpointSummary("Delete a text recognition: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeTextRecognition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "text-recognitions/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.PurgeAsync(JobKind.Text, request, id, NotFound(), cancellationToken);

    private static ProblemHttpResult NotFound() => Problems.Create(
        StatusCodes.Status404NotFound, "text_recognition_not_found", "No such text recognition.",
        "There is no text recognition with this id for your account. It may have been purged; submit the picture again.");
}

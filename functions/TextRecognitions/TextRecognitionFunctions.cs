using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Shiming.Api;
using Shiming.Jobs;

namespace Shiming.TextRecognitions;

/// <summary>Submit, poll, terminate and purge text recognitions (the same Durable-style status API as verifications), and their drain.</summary>
[Tags("Text recognitions")]
public sealed class TextRecognitionFunctions(JobEndpoints endpoints, JobDrains drains)
{
    private static readonly JobKind Kind = TextRecognitionKind.Definition;

    [Function(nameof(SubmitTextRecognition))]
    [EndpointSummary("Submit a picture of a document (a referral letter, a prescription) to have its text read.")]
    [EndpointDescription("multipart/form-data with a file part \"image\", or a raw body with Content-Type image/jpeg, image/png or image/bmp. ?accuracy=accurate (the default) or standard; ?locations=true adds each line's box. An Idempotency-Key header, or the same image and options resubmitted while its job is live, returns the existing job.")]
    [ProducesImageSubmissionProblems]
    public Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> SubmitTextRecognition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "text-recognitions")] HttpRequest request, CancellationToken cancellationToken) =>
        endpoints.SubmitImageAsync(Kind, request, field: null, _ => TextRecognitionKind.Check(request), cancellationToken);

    [Function(nameof(GetTextRecognitionStatus))]
    [EndpointSummary("Where a text recognition stands, and its lines once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<JobStatus>, Accepted<JobStatus>, ProblemHttpResult>> GetTextRecognitionStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "text-recognitions/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.GetStatusAsync(Kind, request, id, cancellationToken);

    [Function(nameof(TerminateTextRecognition))]
    [EndpointSummary("Stop a text recognition that has not finished; it is never sent for recognition afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public Task<Results<Accepted, ProblemHttpResult>> TerminateTextRecognition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "text-recognitions/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.TerminateAsync(Kind, request, id, cancellationToken);

    [Function(nameof(PurgeTextRecognition))]
    [EndpointSummary("Delete a text recognition: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeTextRecognition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "text-recognitions/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.PurgeAsync(Kind, request, id, cancellationToken);

    /// <summary>Every second: feed queued text recognitions to Baidu within the text budget.</summary>
    [Function(nameof(DrainTextRecognitions))]
    public Task DrainTextRecognitions([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        drains.RunAsync(Kind, cancellationToken);
}

using Shiming.Api;
using Shiming.Jobs;

namespace Shiming.TextRecognitions;

/// <summary>Text recognition as a kind of job: <c>/api/text-recognitions</c>, Baidu's general text OCR in the edition asked for.</summary>
public static class TextRecognitionKind
{
    public static readonly JobKind Definition = new(
        "text", "text-recognitions", "TextRecognition", "text recognition", BaiduApi: "text", DefaultQpsLimit: 10,
        JobNotFound.For("text recognition", "the picture"));

    /// <summary>The edition (<c>?accuracy=</c>, <c>?locations=</c>) is the job's variant.</summary>
    public static SubmissionCheck Check(HttpRequest request) =>
        TextRequest.TryParse(request.Query["accuracy"], request.Query["locations"], out var options, out var problem)
            ? new SubmissionCheck(options.Variant)
            : new SubmissionCheck(null, problem == "unknown_accuracy"
                ? Problems.BadRequest("unknown_accuracy", "Unknown accuracy.", "Set accuracy to \"accurate\" (the default) or \"standard\".")
                : Problems.BadRequest("invalid_locations", "Unknown value of locations.", "Set locations to \"true\" to have each line's box, or leave it out."));

    public static IServiceCollection AddTextRecognitions(this IServiceCollection services) =>
        services.AddJobKind<TextJobApi>(Definition);
}

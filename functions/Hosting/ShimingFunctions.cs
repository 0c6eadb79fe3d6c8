using Shiming.Verifications;

namespace Shiming.Hosting;

/// <summary>
/// The single list of Shiming's functions. Endpoints are mapped from it, the published
/// <c>function.json</c> files are generated from it and the standalone scheduler runs its timers,
/// so the three can never drift apart.
/// </summary>
public static class ShimingFunctions
{
    /// <summary>The route prefix the Functions host puts before every HTTP function (host.json default).</summary>
    public const string RoutePrefix = "api";

    public static readonly HttpFunctionDefinition SubmitVerification =
        new(nameof(SubmitVerification), "verifications", ["POST"]);

    public static readonly HttpFunctionDefinition GetVerificationStatus =
        new(nameof(GetVerificationStatus), "verifications/{id}", ["GET"]);

    public static readonly HttpFunctionDefinition TerminateVerification =
        new(nameof(TerminateVerification), "verifications/{id}/terminate", ["POST"]);

    public static readonly HttpFunctionDefinition PurgeVerification =
        new(nameof(PurgeVerification), "verifications/{id}", ["DELETE"]);

    /// <summary>The OpenAPI document of the whole API.</summary>
    public static readonly HttpFunctionDefinition GetOpenApiDocument =
        new(nameof(GetOpenApiDocument), "openapi/{documentName}.json", ["GET"]);

    /// <summary>Every second: feed queued jobs to Baidu within the QPS budget.</summary>
    public static readonly TimerFunctionDefinition DrainVerifications =
        new(nameof(DrainVerifications), "*/1 * * * * *", typeof(VerificationDrain));

    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        SubmitVerification,
        GetVerificationStatus,
        TerminateVerification,
        PurgeVerification,
        GetOpenApiDocument,
        DrainVerifications,
    ];

    public static IEnumerable<HttpFunctionDefinition> Http => All.OfType<HttpFunctionDefinition>();

    public static IEnumerable<TimerFunctionDefinition> Timers => All.OfType<TimerFunctionDefinition>();
}

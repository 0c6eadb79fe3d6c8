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

    public static readonly HttpFunctionDefinition ListPatients = new(nameof(ListPatients), "patients", ["GET"]);

    public static readonly HttpFunctionDefinition AddPatient = new(nameof(AddPatient), "patients", ["POST"]);

    public static readonly HttpFunctionDefinition GetPatient = new(nameof(GetPatient), "patients/{id}", ["GET"]);

    public static readonly HttpFunctionDefinition RemovePatient = new(nameof(RemovePatient), "patients/{id}", ["DELETE"]);

    /// <summary>The OpenAPI document of the whole API.</summary>
    public static readonly HttpFunctionDefinition GetOpenApiDocument =
        new(nameof(GetOpenApiDocument), "openapi/{documentName}.json", ["GET"]);

    /// <summary>The web page and its files, under <c>/api/web/</c>.</summary>
    public static readonly HttpFunctionDefinition WebPage = new(nameof(WebPage), "web/{*path}", ["GET"]);

    /// <summary>Every second: feed queued jobs to Baidu within the QPS budget.</summary>
    public static readonly TimerFunctionDefinition DrainVerifications =
        new(nameof(DrainVerifications), "*/1 * * * * *", typeof(VerificationDrain));

    /// <summary>Daily at 03:30 UTC: purge jobs past their retention period.</summary>
    public static readonly TimerFunctionDefinition PurgeExpiredVerifications =
        new(nameof(PurgeExpiredVerifications), "0 30 3 * * *", typeof(VerificationRetention));

    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        SubmitVerification,
        GetVerificationStatus,
        TerminateVerification,
        PurgeVerification,
        ListPatients,
        AddPatient,
        GetPatient,
        RemovePatient,
        GetOpenApiDocument,
        WebPage,
        DrainVerifications,
        PurgeExpiredVerifications,
    ];

    public static IEnumerable<HttpFunctionDefinition> Http => All.OfType<HttpFunctionDefinition>();

    public static IEnumerable<TimerFunctionDefinition> Timers => All.OfType<TimerFunctionDefinition>();
}

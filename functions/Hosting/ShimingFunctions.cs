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

    /// <summary>Every second: feed queued jobs to Baidu within the QPS budget.</summary>
    public static readonly TimerFunctionDefinition DrainVerifications =
        new(nameof(DrainVerifications), "*/1 * * * * *", typeof(VerificationDrain));

    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        SubmitVerification,
        GetVerificationStatus,
        DrainVerifications,
    ];

    public static IEnumerable<HttpFunctionDefinition> Http => All.OfType<HttpFunctionDefinition>();

    public static IEnumerable<TimerFunctionDefinition> Timers => All.OfType<TimerFunctionDefinition>();
}

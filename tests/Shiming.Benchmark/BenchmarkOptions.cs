using System.Globalization;

namespace Shiming.Benchmark;

/// <summary>What one benchmark run does; bound from the command line (<c>--cards 1000 --latency 00:00:00.100</c>).</summary>
internal sealed class BenchmarkOptions
{
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cards"] = nameof(Cards),
        ["--texts"] = nameof(Texts),
        ["--moderations"] = nameof(Moderations),
        ["--text-qps"] = nameof(TextQps),
        ["--moderation-qps"] = nameof(ModerationQps),
        ["--identity-checks"] = nameof(IdentityChecks),
        ["--identity-qps"] = nameof(IdentityQps),
        ["--qps"] = nameof(Qps),
        ["--latency"] = nameof(Latency),
        ["--latency-p99"] = nameof(LatencyP99),
        ["--faults"] = nameof(Faults),
        ["--qps-bursts"] = nameof(QpsBursts),
        ["--accounts"] = nameof(Accounts),
        ["--seed"] = nameof(Seed),
        ["--submitters"] = nameof(Submitters),
        ["--instances"] = nameof(Instances),
        ["--graceful-stop"] = nameof(GracefulStop),
        ["--crash-after"] = nameof(CrashAfter),
        ["--storage-outage"] = nameof(StorageOutage),
        ["--storage-outage-after"] = nameof(StorageOutageAfter),
        ["--telemetry"] = nameof(Telemetry),
        ["--plot"] = nameof(Plot),
    };

    public const string Usage =
        "usage: benchmark [--cards 1000] [--texts 0] [--moderations 0] [--qps 10] [--text-qps 10] [--moderation-qps 50] [--identity-checks true [--identity-qps 2]] [--latency 00:00:00.100] [--latency-p99 <timespan>] [--faults 0.05 [--qps-bursts 0]] [--accounts 100] [--seed 1] [--submitters 16] [--instances 1] [--graceful-stop <timespan> | --crash-after <timespan> | --storage-outage <timespan> [--storage-outage-after 00:00:15]] [--telemetry true [--plot burst.svg]]";

    /// <summary>Synthetic cards submitted in one burst.</summary>
    public int Cards { get; set; } = 1000;

    /// <summary>Synthetic text documents (their lines embedded) submitted in the same burst as the cards, to <c>/api/text-recognitions</c>.</summary>
    public int Texts { get; set; }

    /// <summary>Synthetic pictures (their verdicts embedded) submitted in the same burst, to <c>/api/image-moderations</c>.</summary>
    public int Moderations { get; set; }

    /// <summary>The text budget: <c>Baidu__Budgets__text__QpsLimit</c> for the app, and the limit the emulator enforces on the text APIs.</summary>
    public int TextQps { get; set; } = 10;

    /// <summary>The moderation budget: <c>Baidu__Budgets__moderation__QpsLimit</c>, and the emulator's limit on <c>user_defined</c>.</summary>
    public int ModerationQps { get; set; } = 50;

    /// <summary>
    /// Whether every front read is checked with the authority (<c>IdentityCheck__Enabled</c>): a card then ends only once
    /// its check has, in a line of its own at <see cref="IdentityQps"/>. Off by default, so that card runs measure reading.
    /// </summary>
    public bool IdentityChecks { get; set; }

    /// <summary>The identity budget: <c>Baidu__Budgets__identity__QpsLimit</c>, and the emulator's limit on <c>idmatch</c>.</summary>
    public int IdentityQps { get; set; } = 2;

    /// <summary>Every job of the burst, of every kind.</summary>
    public int Jobs => Cards + Texts + Moderations;

    /// <summary>Whether the burst has jobs of a kind other than cards.</summary>
    public bool Mixed => Texts > 0 || Moderations > 0;

    /// <summary>The budget: <c>Baidu__QpsLimit</c> for the app, and the limit the emulator enforces.</summary>
    public int Qps { get; set; } = 10;

    /// <summary>Baidu's median answer time.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Baidu's 99th-percentile answer time; the median again (a fixed latency) when not given.</summary>
    public TimeSpan? LatencyP99 { get; set; }

    /// <summary>
    /// The share of calls answered with an injected fault, spread over the classes Shiming retries: bursts of error 18
    /// (<see cref="QpsBursts"/>, a fifth of it unless given), and in what is left HTTP 5xx (half), timeouts and error
    /// 282000 (a quarter each).
    /// </summary>
    public double Faults { get; set; }

    /// <summary>
    /// The share of calls that start an injected burst of error 18, a part of <see cref="Faults"/>; 0 leaves only
    /// the faults that are not about the QPS limit.
    /// </summary>
    public double? QpsBursts { get; set; }

    /// <summary>The burst share in effect: <see cref="QpsBursts"/>, or a fifth of the faults.</summary>
    public double QpsBurstShare => QpsBursts ?? Faults / 5;

    /// <summary>Accounts the cards are spread over, as many apps' users submitting at once.</summary>
    public int Accounts { get; set; } = 100;

    /// <summary>Seeds the synthetic people and the emulator's fault draws.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Submissions in flight at once during the burst.</summary>
    public int Submitters { get; set; } = 16;

    /// <summary>App instances sharing the one storage account (and so one budget), as a scaled-out app runs; cards go to each in turn.</summary>
    public int Instances { get; set; } = 1;

    /// <summary>
    /// When given, this long after the whole burst is accepted the first instance is stopped as the platform stops one
    /// (SIGTERM to its host) and a new one started in its place, while the drain is busy.
    /// </summary>
    public TimeSpan? GracefulStop { get; set; }

    /// <summary>
    /// When given, this long into the drain (after the first card was accepted) the first instance is killed (SIGKILL
    /// to its host and worker: no grace, as a crash or a lost machine) and a new one started in its place.
    /// </summary>
    public TimeSpan? CrashAfter { get; set; }

    /// <summary>
    /// When given, storage is unreachable this long, from <see cref="StorageOutageAfter"/> into the drain (after the
    /// first card was accepted): every request to it is cut, those in flight too, while the apps keep running. Azurite
    /// keeps its data, as Azure Storage would.
    /// </summary>
    public TimeSpan? StorageOutage { get; set; }

    /// <summary>With <see cref="StorageOutage"/>: how long into the drain storage goes away.</summary>
    public TimeSpan StorageOutageAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether an instance is stopped or killed and started again: its clients see it away meanwhile.</summary>
    public bool RestartsAnInstance => GracefulStop is not null || CrashAfter is not null;

    /// <summary>Each app exports its traces, metrics and logs over OTLP (http/protobuf) to a receiver in this process.</summary>
    public bool Telemetry { get; set; }

    /// <summary>With <see cref="Telemetry"/>: an SVG of the burst (calls a second at Baidu, and the exported budget and backlog) written here.</summary>
    public string? Plot { get; set; }

    public string? Validate() =>
        Cards < 0 || Texts < 0 || Moderations < 0 ? "--cards, --texts and --moderations must be zero or more"
        : Jobs < 1 ? "--cards must be at least 1, or --texts or --moderations given"
        : Qps is < 1 or > 100 ? "--qps must be between 1 and 100"
        : TextQps is < 1 or > 100 || ModerationQps is < 1 or > 100 ? "--text-qps and --moderation-qps must be between 1 and 100"
        : Latency < TimeSpan.Zero || LatencyP99 < Latency ? "--latency must be zero or more, and --latency-p99 no less than it"
        : Faults is < 0 or > 0.5 ? "--faults must be between 0 and 0.5"
        : QpsBursts < 0 || QpsBursts > Faults ? "--qps-bursts must be between 0 and --faults"
        : Accounts < 1 ? "--accounts must be at least 1"
        : Submitters < 1 ? "--submitters must be at least 1"
        : Instances is < 1 or > 4 ? "--instances must be between 1 and 4"
        : Plot is not null && !Telemetry ? "--plot needs --telemetry true"
        : GracefulStop < TimeSpan.Zero || CrashAfter < TimeSpan.Zero || StorageOutageAfter < TimeSpan.Zero ? "--graceful-stop, --crash-after and --storage-outage-after must be zero or more"
        : StorageOutage is { } outage && (outage <= TimeSpan.Zero || outage > TimeSpan.FromMinutes(10)) ? "--storage-outage must be more than zero and at most 10 minutes"
        : new[] { GracefulStop is not null, CrashAfter is not null, StorageOutage is not null }.Count(given => given) > 1 ? "give at most one of --graceful-stop, --crash-after and --storage-outage"
        : null;

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Cards} cards, QPS {Qps}{(Mixed ? $"; {Texts} texts, QPS {TextQps}; {Moderations} moderations, QPS {ModerationQps}" : "")}, Baidu latency {Latency.TotalMilliseconds:0} ms median{(LatencyP99 is { } p99 ? $" / {p99.TotalMilliseconds:0} ms p99" : " (fixed)")}, {Faults:P0} faults{(QpsBursts is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({QpsBurstShare:P0} starting an error-18 burst)"))}, {Instances} app instance{(Instances == 1 ? "" : "s")}{(GracefulStop is { } stop ? $", the first stopped gracefully {stop.TotalSeconds:0} s after the burst was accepted" : "")}{(CrashAfter is { } crash ? $", the first killed {crash.TotalSeconds:0} s into the drain" : "")}{(StorageOutage is { } outage ? $", storage away for {outage.TotalSeconds:0} s from {StorageOutageAfter.TotalSeconds:0} s into the drain" : "")}{(Telemetry ? ", telemetry exported over OTLP" : ", telemetry off")}");
}

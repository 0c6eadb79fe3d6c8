using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Benchmark;

/// <summary>
/// One kind of job as the benchmark submits it: its route, the Baidu API its calls reach, how many and its budget, and
/// its job queue in storage (the app's default name; its returned and poison queues add a suffix).
/// </summary>
internal sealed record BurstKind(string Name, string Route, string Endpoint, int Count, int Qps, string Queue)
{
    /// <summary>Whether a storage request is addressed to one of the kind's queues.</summary>
    public bool OwnsQueue(string? queue) => queue == Queue || queue == $"{Queue}-returned" || queue == $"{Queue}-poison";
}

/// <summary>One job of the burst: its kind and the image it uploads.</summary>
internal sealed record BurstSubmission(BurstKind Kind, byte[] Image);

/// <summary>
/// The burst's jobs, of every kind, in the order they are submitted: each kind spread evenly over the whole burst (a
/// card, a text, a moderation, …, in proportion to their counts), so that the kinds meet the app at the same time from
/// the same submitters. With texts and moderations it also reports, per kind, what Baidu saw and what the clients saw.
/// </summary>
internal sealed class MixedBurst
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly ConcurrentDictionary<string, BurstKind> _accepted = new(StringComparer.Ordinal);

    private MixedBurst(IReadOnlyList<BurstKind> kinds, IReadOnlyList<BurstSubmission> submissions)
    {
        Kinds = kinds;
        Submissions = submissions;
    }

    public IReadOnlyList<BurstKind> Kinds { get; }

    public BurstKind Cards => Kinds[0];

    public IReadOnlyList<BurstSubmission> Submissions { get; }

    /// <summary>How long to follow the jobs: three times the slowest kind's share of its budget, and five minutes more.</summary>
    public TimeSpan FollowFor => TimeSpan.FromSeconds(Kinds.Max(k => 3.0 * k.Count / k.Qps) + 300);

    /// <summary>
    /// Renders every image. Cards come from <paramref name="random"/> first, as the card-only benchmark has always drawn
    /// them; documents and pictures from seeds of their own, each one different (an image resubmitted while its job is
    /// live would be answered with that job).
    /// </summary>
    public static MixedBurst Plan(BenchmarkOptions options, Random random)
    {
        var cards = new BurstKind("cards", "/api/verifications?side=front", EmulatorApis.IdCard, options.Cards, options.Qps, "verification-jobs");
        var texts = new BurstKind("texts", "/api/text-recognitions", EmulatorApis.AccurateBasic, options.Texts, options.TextQps, "verification-jobs-text");
        var moderations = new BurstKind("moderations", "/api/image-moderations", EmulatorApis.UserDefined, options.Moderations, options.ModerationQps, "verification-jobs-moderation");
        var cardImages = Enumerable.Range(0, options.Cards)
            .Select(_ => SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(random)))
            .ToArray();
        var documents = new Random(options.Seed + 1);
        var textImages = Enumerable.Range(0, options.Texts)
            .Select(_ => SyntheticDocuments.Render(SyntheticDocuments.Create(documents)).Png)
            .ToArray();

        // Most pictures pass, as most uploads do; some are refused or doubtful, none fails (a failed verdict is Baidu's).
        ModerationGroundTruth[] verdicts = [ModerationGroundTruth.Compliant(), ModerationGroundTruth.Compliant(), ModerationGroundTruth.NonCompliant(), ModerationGroundTruth.Suspected()];
        var pictures = Enumerable.Range(0, options.Moderations)
            .AsParallel().AsOrdered()
            .Select(i => SyntheticModerationImages.Render(verdicts[i % verdicts.Length], (options.Seed * 100_000) + i))
            .ToArray();

        var submissions = new[] { (cards, cardImages), (texts, textImages), (moderations, pictures) }
            .SelectMany((kind, order) => kind.Item2.Select((image, i) => (Place: (i + 0.5) / kind.Item2.Length, Order: order, Submission: new BurstSubmission(kind.Item1, image))))
            .OrderBy(s => s.Place)
            .ThenBy(s => s.Order)
            .Select(s => s.Submission)
            .ToArray();
        return new MixedBurst([cards, texts, moderations], submissions);
    }

    /// <summary>The emulator's limit for each text API and for moderation; cards keep the emulator-wide one.</summary>
    public static Dictionary<string, string> EmulatorSettings(BenchmarkOptions options) => new(StringComparer.Ordinal)
    {
        [$"Emulator:Apis:{EmulatorApis.AccurateBasic}:QpsLimit"] = options.TextQps.ToString(Invariant),
        [$"Emulator:Apis:{EmulatorApis.GeneralBasic}:QpsLimit"] = options.TextQps.ToString(Invariant),
        [$"Emulator:Apis:{EmulatorApis.UserDefined}:QpsLimit"] = options.ModerationQps.ToString(Invariant),
        [$"Emulator:Apis:{EmulatorApis.IdMatch}:QpsLimit"] = options.IdentityQps.ToString(Invariant),
    };

    /// <summary>The app's budget for text and moderation; cards keep <c>Baidu__QpsLimit</c>.</summary>
    public static void AddAppSettings(BenchmarkOptions options, IDictionary<string, string> settings)
    {
        settings["Baidu:Budgets:text:QpsLimit"] = options.TextQps.ToString(Invariant);
        settings["Baidu:Budgets:moderation:QpsLimit"] = options.ModerationQps.ToString(Invariant);
        settings["Baidu:Budgets:identity:QpsLimit"] = options.IdentityQps.ToString(Invariant);
        settings["IdentityCheck:Enabled"] = options.IdentityChecks ? "true" : "false";
    }

    /// <summary>Notes a job the app accepted, by the id its status URI ends with.</summary>
    public void Accepted(BurstSubmission submission, string statusUri) =>
        _accepted[new Uri(statusUri).Segments[^1]] = submission.Kind;

    /// <summary>The ids of the accepted jobs of <paramref name="kind"/>.</summary>
    public IReadOnlySet<string> AcceptedIds(BurstKind kind) =>
        _accepted.Where(job => job.Value == kind).Select(job => job.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Writes one column per kind: budget use from the emulator's call log, and the clients' wait, from
    /// <paramref name="outcomes"/> (one per submission, in order; null for a job never seen to finish).
    /// </summary>
    /// <param name="requests">The apps' storage requests over the burst: each goes to the kind whose job or queue it names.</param>
    /// <returns>Whether every job of every kind was accepted and finished.</returns>
    public async Task<bool> WriteTableAsync(Uri emulator, DateTimeOffset burstStartedAt, IReadOnlyList<JobResult?> outcomes, IReadOnlyList<StorageRequest> requests)
    {
        using var client = new HttpClient { BaseAddress = emulator };
        var calls = (await client.GetFromJsonAsync<List<EmulatorCall>>("emulator/calls", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        var kinds = Kinds.Where(k => k.Count > 0).ToArray();
        var owners = requests.ToLookup(r => StorageRequests.JobIds(r).Select(id => _accepted.GetValueOrDefault(id)).FirstOrDefault(kind => kind is not null)
            ?? kinds.FirstOrDefault(k => k.OwnsQueue(StorageRequests.Queue(r))));
        var columns = kinds.Select(kind =>
        {
            var mine = outcomes.Where((_, i) => Submissions[i].Kind == kind).ToArray();
            return new KindFigures(kind, mine, [.. calls.Where(c => c.Endpoint == kind.Endpoint)], [.. owners[kind]]);
        }).ToArray();

        string Row(string label, Func<KindFigures, string> cell) => $"| {label} | {string.Join(" | ", columns.Select(cell))} |";
        Console.WriteLine();
        Console.WriteLine($"| by kind | {string.Join(" | ", kinds.Select(k => k.Name))} |");
        Console.WriteLine($"| --- |{string.Concat(kinds.Select(_ => " ---: |"))}");
        Console.WriteLine(Row("jobs accepted (refused, by HTTP status)", f => string.Create(Invariant, $"{f.Accepted} ({f.Refused}{f.RefusedStatuses})")));
        Console.WriteLine(Row("calls to Baidu (endpoint; with an injected fault)", f => string.Create(Invariant, $"{f.Calls.Count} (`{f.Kind.Endpoint}`; {f.Calls.Count(c => c.Fault is not null)})")));
        Console.WriteLine(Row("calls per second (share of the kind's budget)", f => string.Create(Invariant, $"{f.CallsPerSecond:0.00} ({f.CallsPerSecond / f.Kind.Qps:P1} of {f.Kind.Qps})")));
        Console.WriteLine(Row("first to last arrival, after the burst began", f => f.Arrivals.Count == 0 ? "n/a" : string.Create(Invariant, $"{(f.Arrivals[0] - burstStartedAt).TotalSeconds:0.0} s to {(f.Arrivals[^1] - burstStartedAt).TotalSeconds:0.0} s")));
        Console.WriteLine(Row("most calls in any sliding second, at arrival (limit)", f => string.Create(Invariant, $"{StartWindows.MaxStartsInAnySecond(f.Arrivals)} ({f.Kind.Qps})")));
        Console.WriteLine(Row("error 18 not injected", f => f.Calls.Count(c => c.ErrorCode == 18 && c.Fault is null).ToString(Invariant)));
        Console.WriteLine(Row("submit to result p50 / p95 / p99", f => string.Create(Invariant, $"{f.Percentile(0.50):0.0} / {f.Percentile(0.95):0.0} / {f.Percentile(0.99):0.0} s")));
        Console.WriteLine(Row("completed / failed / lost", f => string.Create(Invariant, $"{f.Finished.Count(r => r.Status == "Completed")} / {f.Finished.Count(r => r.Status == "Failed")} / {f.Lost}")));
        Console.WriteLine(Row("storage requests per job finished, those naming one of the kind's jobs or queues: blob / queue / table (total)", f => f.Finished.Count == 0 ? "n/a" : StorageRequests.Describe(f.Requests, f.Finished.Count)));
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant, $"All kinds together: {calls.Count} calls, at most {StartWindows.MaxStartsInAnySecond(calls.Select(c => c.ArrivedAt))} in any sliding second at arrival (the budgets add up to {kinds.Sum(k => k.Qps)})."));
        var shared = owners[null!].ToList();
        var finished = columns.Sum(f => f.Finished.Count);
        Console.WriteLine(string.Create(Invariant, $"Storage requests naming no one kind's job or queue (new records and claims, budget and line state, timer locks): {shared.Count:N0}; per job finished of every kind, blob / queue / table (total): {(finished == 0 ? "n/a" : StorageRequests.Describe(shared, finished))}. The workers' CPU time is one figure for all kinds, in the table above."));
        return columns.All(f => f.Refused == 0 && f.Lost == 0);
    }

    private sealed class KindFigures(BurstKind kind, IReadOnlyList<JobResult?> outcomes, IReadOnlyList<EmulatorCall> calls, IReadOnlyList<StorageRequest> requests)
    {
        private readonly double[] _latencies = [.. outcomes.OfType<JobResult>().Where(r => r is not RefusedJob).Select(r => r.SubmitToResult.TotalSeconds).Order()];

        public BurstKind Kind => kind;

        public IReadOnlyList<EmulatorCall> Calls => calls;

        /// <summary>The apps' storage requests over the burst that name one of the kind's jobs or queues.</summary>
        public IReadOnlyList<StorageRequest> Requests => requests;

        public IReadOnlyList<DateTimeOffset> Arrivals { get; } = [.. calls.Select(c => c.ArrivedAt).Order()];

        public int Refused => outcomes.Count(r => r is RefusedJob);

        public int Accepted => outcomes.Count - Refused;

        public string RefusedStatuses => Refused == 0 ? "" : $": {string.Join(", ", outcomes.OfType<RefusedJob>().GroupBy(r => r.StatusCode).OrderBy(g => g.Key).Select(g => string.Create(Invariant, $"{g.Count()}× {g.Key}")))}";

        public IReadOnlyList<JobResult> Finished => [.. outcomes.OfType<JobResult>().Where(r => r is not RefusedJob)];

        public int Lost => Accepted - Finished.Count;

        /// <summary>Over the kind's first to last arrival, as Program.cs measures the cards.</summary>
        public double CallsPerSecond => Arrivals.Count > 1 ? (Arrivals.Count - 1) / (Arrivals[^1] - Arrivals[0]).TotalSeconds : 0;

        public double Percentile(double p) => Percentiles.At(_latencies, p);
    }
}

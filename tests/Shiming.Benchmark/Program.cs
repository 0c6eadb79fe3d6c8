using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Shiming.BaiduEmulator;
using Shiming.Benchmark;
using Shiming.Tests.Infrastructure;

// The benchmark: Azurite, the Baidu emulator and the real app (standalone, timers in-process) on this machine;
// a burst of synthetic cards (with texts and moderations, when asked: MixedBurst.cs) submitted through the HTTP API; every job followed to its end as a client would,
// honouring Retry-After; then what Baidu saw (the emulator's call log), what the clients saw, and what a job cost the app
// (its workers' CPU time, its storage requests), as Markdown.
var options = new BenchmarkOptions();
try
{
    new ConfigurationBuilder().AddCommandLine(args, BenchmarkOptions.Switches.ToDictionary()).Build().Bind(options);
}
catch (Exception ex) when (ex is FormatException or InvalidOperationException)
{
    Console.Error.WriteLine($"benchmark: {ex.Message}");
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

if (options.Validate() is { } invalid)
{
    Console.Error.WriteLine($"benchmark: {invalid}");
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

void Progress(string message) => Console.Error.WriteLine($"[benchmark {DateTime.UtcNow:HH:mm:ss}] {message}");

// Other work on the machine sways every timing here, so the load is reported beside the figures.
static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
var loadAtStart = LoadAverage();
Progress($"{options.Describe()}: starting Azurite, the emulator and the app");
await using var azurite = await Azurite.StartAsync();
// The apps reach storage through a counting proxy: each request one billed storage transaction.
await using var storage = await StorageRequests.StartAsync(azurite);
// The emulator runs in a process of its own and, where allowed, at a higher CPU priority: it stands for Baidu's
// servers, whose clock no load on this machine would hold up.
var emulatorKeys = new EmulatorOptions();
var invariant = CultureInfo.InvariantCulture;
// Instances sharing one storage account share its keys too, or one could not read what another accepted.
var encryptionKey = RandomNumberGenerator.GetBytes(32);
var blindIndexKey = RandomNumberGenerator.GetBytes(32);
await using var emulator = await ServiceProcess.StartAsync("Shiming.BaiduEmulator.dll", new Dictionary<string, string>(MixedBurst.EmulatorSettings(options))
{
    ["Emulator:QpsLimit"] = options.Qps.ToString(invariant),
    ["Emulator:LatencyMedian"] = options.Latency.ToString("c", invariant),
    ["Emulator:LatencyP99"] = (options.LatencyP99 ?? options.Latency).ToString("c", invariant),
    ["Emulator:ServerErrorRate"] = ((options.Faults - options.QpsBurstShare) * 0.5).ToString(invariant),
    ["Emulator:TimeoutRate"] = ((options.Faults - options.QpsBurstShare) * 0.25).ToString(invariant),
    ["Emulator:InternalErrorRate"] = ((options.Faults - options.QpsBurstShare) * 0.25).ToString(invariant),
    ["Emulator:QpsBurstRate"] = options.QpsBurstShare.ToString(invariant),
    ["Emulator:FaultSeed"] = options.Seed.ToString(invariant),
}, raisedPriority: true);
// Each app logs when its drain let each call go and for which start time (event 3012, at Debug), and the start times
// it could not use (3014, 3015); set beside the emulator's arrival times, that is the spread between the pacing's clock
// and Baidu's.
var pacing = new PacingLog();
var stopLog = new StopLog();
var appSettings = new Dictionary<string, string>
{
    ["AzureWebJobsStorage"] = storage.ConnectionString,
    ["Baidu:Endpoint"] = emulator.BaseAddress.ToString(),
    ["Baidu:ApiKey"] = emulatorKeys.ApiKey,
    ["Baidu:SecretKey"] = emulatorKeys.SecretKey,
    ["Baidu:QpsLimit"] = options.Qps.ToString(invariant),
    ["Verifications:MaxLiveJobsPerAccount"] = Math.Min(10_000, options.Jobs).ToString(invariant),
    ["Encryption:CurrentKeyId"] = "bench",
    ["Encryption:Keys:bench"] = Convert.ToBase64String(encryptionKey),
    ["Encryption:BlindIndexKey"] = Convert.ToBase64String(blindIndexKey),
};
// With --telemetry the apps export as they would to a collector, at the SDK's default intervals but for metrics,
// which go every 5 s so that a short run still sends several.
await using var otlp = options.Telemetry ? await OtlpReceiver.StartAsync() : null;
if (otlp is not null)
{
    appSettings["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint.ToString().TrimEnd('/');
    appSettings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
    appSettings["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
}

MixedBurst.AddAppSettings(options, appSettings);
foreach (var category in PacingLog.Categories)
{
    appSettings[$"Logging:LogLevel:{category}"] = "Debug";
}

await using var apps = await AppInstances.StartAsync(
    options.Instances,
    appSettings,
    index => index == 0 ? line => { pacing.Read(index, line); stopLog.Read(line); } : line => pacing.Read(index, line));
await using var workerCpu = new WorkerCpu(apps);
var startUpCpu = workerCpu.Total();

// The clients stand for phones elsewhere: on this machine they yield to the app and the emulator.
using (var self = Process.GetCurrentProcess())
{
    self.PriorityClass = ProcessPriorityClass.BelowNormal;
}

var random = new Random(options.Seed);
var plan = MixedBurst.Plan(options, random);

var clients = apps.Current.Select(app => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = app.BaseAddress,
    Timeout = TimeSpan.FromMinutes(2),
}).ToArray();

// The burst: every card submitted as fast as the submitters can go, and each job then followed as its client
// would, from its own submission on, waiting what Retry-After says.
Progress(options.Mixed
    ? $"submitting {options.Cards} cards, {options.Texts} texts and {options.Moderations} moderations, interleaved, from {options.Accounts} accounts"
    : $"submitting {options.Cards} cards from {options.Accounts} accounts");
var deadline = DateTime.UtcNow + plan.FollowFor;
var cpuAtBurst = workerCpu.Total();
var burst = Stopwatch.StartNew();
var burstStartedAt = DateTimeOffset.UtcNow;
var burstTime = TimeSpan.Zero;
var submitters = new SemaphoreSlim(options.Submitters);
var refused = 0;
(DateTimeOffset At, TimeSpan Away)? stop = null; // the graceful stop, once it is over
var unavailable = 0; // submissions and status polls answered 503 (storage away)
var accepted = 0;
var following = new List<Task<JobResult?>>(plan.Submissions.Count);
var submits = new RoundTrips();
var polls = new RoundTrips();
// A crash or a storage outage falls a given time into the drain, which starts with the first acceptance, whether or
// not every card is in by then.
var firstAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var fault = new MidBurstFault(options, apps, storage, Progress);
var faulting = fault.RunAsync(firstAnswered.Task);
for (var i = 0; i < plan.Submissions.Count; i++)
{
    await submitters.WaitAsync();
    following.Add(SubmitAndFollowAsync(i));
}

Progress($"every {(options.Mixed ? "job" : "card")} submitted; following every job to its end");
if (options.GracefulStop is { } stopAfter)
{
    // Every submission answered first: the stop falls on the drain, not on a client's upload.
    for (var i = 0; i < options.Submitters; i++)
    {
        await submitters.WaitAsync();
    }

    await Task.Delay(stopAfter);
    Progress("stopping the first instance gracefully, and starting a new one in its place");
    stop = await apps.RestartAsync(0);
    Progress(string.Create(invariant, $"the first instance was away for {stop.Value.Away.TotalSeconds:0.0} s"));
}

await faulting;

// Every job's outcome, in submission order; the card figures below are the cards' alone.
var outcomes = await Task.WhenAll(following);
// What a job costs is taken over the burst: from just before the first submission until every client has seen its
// job's end (or given up on it), the polls of the last job included.
var burstEndedAt = DateTimeOffset.UtcNow;
var cpuAtEnd = workerCpu.Total();
var cpuInBurst = cpuAtEnd - cpuAtBurst;
// Then what the apps cost while idle, warm (their timers alone), to set beside: the per-job figures hold the idle cost
// of the burst's length too.
Progress("every job followed to its end; measuring the apps idle");
var idle = TimeSpan.FromSeconds(10);
await Task.Delay(idle);
var idleEndedAt = DateTimeOffset.UtcNow;
var cpuIdle = workerCpu.Total() - cpuAtEnd;
idle = idleEndedAt - burstEndedAt;
var results = outcomes.Where((r, i) => plan.Submissions[i].Kind == plan.Cards && r is not RefusedJob).ToArray();
if (options.Mixed)
{
    pacing.KeepOnly(plan.AcceptedIds(plan.Cards));
}

async Task<JobResult?> SubmitAndFollowAsync(int i)
{
    var account = $"bench-{(i % options.Accounts).ToString(CultureInfo.InvariantCulture)}";
    var http = clients[i % clients.Length];
    var submission = plan.Submissions[i];
    string statusUri;
    try
    {
        using var response = await SubmitAsync(http, submission, account);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            if (submission.Kind == plan.Cards)
            {
                Interlocked.Increment(ref refused);
            }

            return new RefusedJob((int)response.StatusCode);
        }

        statusUri = response.Headers.Location!.ToString();
        plan.Accepted(submission, statusUri);
        burstTime = burst.Elapsed; // the last acceptance's time, once all are in
        if (Interlocked.Increment(ref accepted) % 250 == 0)
        {
            Progress($"{accepted} accepted");
        }
    }
    finally
    {
        submitters.Release();
        firstAnswered.TrySetResult(); // accepted, as a rule: the drain has work from here on
    }

    return await FollowAsync(http, (account, statusUri));
}

// A submission as a phone sends it: again a moment later while its instance is away, and after Retry-After while
// storage is (nothing was accepted; the same image again is the same submission).
async Task<HttpResponseMessage> SubmitAsync(HttpClient http, BurstSubmission submission, string account)
{
    while (true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, submission.Kind.Route) { Content = new ByteArrayContent(submission.Image) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        HttpResponseMessage response;
        try
        {
            response = await submits.TimeAsync(() => http.SendAsync(request));
        }
        catch (HttpRequestException) when (options.RestartsAnInstance && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            continue;
        }

        if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow >= deadline)
        {
            return response;
        }

        Interlocked.Increment(ref unavailable);
        var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        response.Dispose();
        await Task.Delay(wait);
    }
}

async Task<JobResult?> FollowAsync(HttpClient http, (string Account, string StatusUri) job)
{
    while (DateTime.UtcNow < deadline)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, job.StatusUri);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", job.Account);
        HttpResponseMessage response;
        try
        {
            response = await polls.TimeAsync(() => http.SendAsync(request));
        }
        catch (HttpRequestException) when (options.RestartsAnInstance)
        {
            // The instance is being restarted: a phone would try again a moment later.
            await Task.Delay(TimeSpan.FromSeconds(1));
            continue;
        }

        using var answer = response;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var finishedAt = body.GetProperty("lastUpdatedTime").GetDateTimeOffset();
            return new JobResult(
                body.GetProperty("id").GetString()!,
                body.GetProperty("runtimeStatus").GetString()!,
                finishedAt - body.GetProperty("createdTime").GetDateTimeOffset(),
                finishedAt);
        }

        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Interlocked.Increment(ref unavailable); // storage away: Retry-After says when to look again
        }
        else if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return null; // 404: the job is gone
        }

        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
    }

    return null;
}

// What Baidu saw.
using var emulatorClient = new HttpClient { BaseAddress = emulator.BaseAddress };
var allCalls = (await emulatorClient.GetFromJsonAsync<List<EmulatorCall>>("emulator/calls", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
var calls = allCalls.Where(c => c.Endpoint == "idcard").ToList();
var arrivals = calls.Select(c => c.ArrivedAt).Order().ToList();
var callsPerSecond = arrivals.Count > 1 ? (arrivals.Count - 1) / (arrivals[^1] - arrivals[0]).TotalSeconds : 0;
var maxInAnySecond = StartWindows.MaxStartsInAnySecond(arrivals);
// Retries wait out their backoff after the line of untried jobs is empty, and a budget left idle for want of a job is
// not one the pacing lost: so the share is also taken while a job was still waiting for its first call.
var waitingUntil = pacing.LastFirstStart;
var whileWaiting = waitingUntil is { } until ? arrivals.Where(a => a <= until + TimeSpan.FromMilliseconds(100)).ToList() : [];
var callsPerSecondWhileWaiting = whileWaiting.Count > 1 ? (whileWaiting.Count - 1) / (whileWaiting[^1] - whileWaiting[0]).TotalSeconds : 0;
// Where the budget went unused: the longest time between two calls while untried jobs waited.
var longestGap = whileWaiting.Zip(whileWaiting.Skip(1), (earlier, later) => later - earlier).DefaultIfEmpty().Max();
var departures = pacing.Departures;
var spread = Spread(departures, arrivals);
var refusedAsOverLimit = calls.Count(c => c.ErrorCode == 18 && c.Fault is null);
var injected = calls.Count(c => c.Fault is not null);

// What the clients saw.
var finished = results.OfType<JobResult>().ToList();
var latencies = finished.Select(r => r.SubmitToResult.TotalSeconds).Order().ToArray();
double Percentile(double p) => Percentiles.At(latencies, p);
var lost = results.Length - finished.Count;

Console.WriteLine(string.Create(invariant, $"Conditions: {options.Describe()}; {options.Accounts} accounts; {Environment.ProcessorCount} cores; app (published, ReadyToRun), Azurite, emulator (nice {emulator.Niceness()?.ToString(invariant) ?? "n/a"}) and clients on one machine; load average {loadAtStart} at the start, {LoadAverage()} at the end."));
Console.WriteLine();
Console.WriteLine("| | |");
Console.WriteLine("| --- | ---: |");
Console.WriteLine(string.Create(invariant, $"| cards accepted (refused) | {results.Length} ({refused}) |"));
Console.WriteLine(string.Create(invariant, $"| burst accepted in | {burstTime.TotalSeconds:0.0} s |"));
Console.WriteLine(string.Create(invariant, $"| calls to Baidu | {calls.Count} ({injected} answered with an injected fault) |"));
Console.WriteLine(string.Create(invariant, $"| calls per second (budget {options.Qps}) | {callsPerSecond:0.00} ({callsPerSecond / options.Qps:P1} of the budget) |"));
Console.WriteLine(string.Create(invariant, $"| calls per second while untried jobs waited (to the last first call) | {callsPerSecondWhileWaiting:0.00} ({callsPerSecondWhileWaiting / options.Qps:P1} of the budget, {whileWaiting.Count} calls) |"));
Console.WriteLine(string.Create(invariant, $"| longest time between two calls while untried jobs waited | {longestGap.TotalMilliseconds:0} ms |"));
Console.WriteLine(string.Create(invariant, $"| most calls in any sliding second, at arrival by the emulator's clock | {maxInAnySecond} |"));
Console.WriteLine(string.Create(invariant, $"| error 18 from going over the limit | {refusedAsOverLimit} |"));
Console.WriteLine(string.Create(invariant, $"| most call starts in any sliding second, by the apps' clocks | {StartWindows.MaxStartsInAnySecond(departures)} |"));
Console.WriteLine(fault.IsCrash
    ? "| start to arrival | n/a: the calls the killed instance had out are in no log, so starts and arrivals do not pair |"
    : string.Create(invariant, $"| start to arrival p50 / p99 / max ({spread.Paired} calls paired) | {spread.P50:0.0} / {spread.P99:0.0} / {spread.Max:0.0} ms |"));
Console.WriteLine($"| call start after its start time p50 / p99 / max | {pacing.DescribeStartLateness()} |");
Console.WriteLine($"| call start to its first byte written p50 / p99 / max | {pacing.DescribeStartToWrite()} |");
Console.WriteLine($"| start times given up by their callers, and passed unused | {pacing.DescribeGivenUp()} |");
if (options.Instances > 1)
{
    Console.WriteLine($"| calls started by each instance (one holds each drain's timer at a time) | {pacing.DescribeStartsByInstance(options.Instances)} |");
}
Console.WriteLine(string.Create(invariant, $"| submit to result p50 / p95 / p99 / max | {Percentile(0.50):0.0} s / {Percentile(0.95):0.0} s / {Percentile(0.99):0.0} s / {Percentile(1):0.0} s |"));
Console.WriteLine($"| submit round trip p50 / p99 | {submits.Describe()} |");
Console.WriteLine($"| status poll round trip p50 / p99 | {polls.Describe()} |");
Console.WriteLine(string.Create(invariant, $"| completed / failed / terminated | {finished.Count(r => r.Status == "Completed")} / {finished.Count(r => r.Status == "Failed")} / {finished.Count(r => r.Status == "Terminated")} |"));
Console.WriteLine(string.Create(invariant, $"| jobs lost (accepted, never finished) | {lost} |"));
if (options.IdentityChecks)
{
    // The identity line: the authority's checks that followed the fronts read, on their own budget.
    var checks = allCalls.Where(c => c.Endpoint == EmulatorApis.IdMatch).OrderBy(c => c.ArrivedAt).ToList();
    var checkSpan = checks.Count < 2 ? TimeSpan.Zero : checks[^1].ArrivedAt - checks[0].ArrivedAt;
    var checksPerSecond = checkSpan <= TimeSpan.Zero ? double.NaN : (checks.Count - 1) / checkSpan.TotalSeconds;
    Console.WriteLine(string.Create(invariant, $"| identity checks (idmatch): calls, calls per second (budget {options.IdentityQps}) | {checks.Count}, {checksPerSecond:0.00} ({checksPerSecond / options.IdentityQps:P1} of the budget) |"));
    Console.WriteLine(string.Create(invariant, $"| identity checks: most in any sliding second at arrival, error 18 | {StartWindows.MaxStartsInAnySecond(checks.Select(c => c.ArrivedAt))}, {checks.Count(c => c.ErrorCode == 18 && c.Fault is null)} |"));
}

if (stop is { } stopped)
{
    var interrupted = stopLog.Interrupted(stopped.At, finished.ToDictionary(r => r.Id, r => r.FinishedAt, StringComparer.Ordinal));
    var afterStop = interrupted.Select(j => j.FinishedAfterStop.TotalSeconds).Order().ToArray();
    double AfterStop(double p) => Percentiles.At(afterStop, p);
    Console.WriteLine(string.Create(invariant, $"| graceful stop: the first instance away (SIGTERM to the new one's first answer) | {stopped.Away.TotalSeconds:0.0} s |"));
    Console.WriteLine(string.Create(invariant, $"| jobs taken before the stop and finished after it: given back / in flight | {interrupted.Count(j => j.GivenBack)} / {interrupted.Count(j => !j.GivenBack)} |"));
    Console.WriteLine(string.Create(invariant, $"| those jobs, stop to finished p50 / p95 / max (the lease: {appSettings.GetValueOrDefault("Verifications:ProcessingLease", new Shiming.Jobs.JobOptions().ProcessingLease.ToString("c", invariant))}) | {AfterStop(0.50):0.0} s / {AfterStop(0.95):0.0} s / {(afterStop.Length == 0 ? double.NaN : afterStop[^1]):0.0} s |"));
}

fault.Report(calls, results.Length, stopLog.TakenAgain, finished.ToDictionary(r => r.Id, r => r.FinishedAt, StringComparer.Ordinal), unavailable);

if (otlp is not null)
{
    await Task.Delay(TimeSpan.FromSeconds(6)); // one more metric export
    var points = otlp.MetricPoints();
    if (options.Plot is { } plot)
    {
        BurstPlot.Write(plot, burstStartedAt, arrivals, options.Qps, otlp.MetricExports(), options.Describe());
        Progress($"wrote {plot}");
    }

    Console.WriteLine(string.Create(invariant, $"| telemetry received: export requests (metrics / traces / logs), metric points, spans | {otlp.Bodies("metrics").Count} / {otlp.Bodies("traces").Count} / {otlp.Bodies("logs").Count}, {points.Count}, {otlp.Spans().Count} |"));
}

Console.WriteLine(string.Create(invariant, $"| worker peak memory (VmHWM, the largest instance) | {(apps.Current.SelectMany(a => a.ChildPeakMemoryMiB()).DefaultIfEmpty().Max() is > 0 and var mib ? $"{mib:0} MiB" : "n/a")} |"));
Console.WriteLine(string.Create(invariant, $"| app log warnings / errors | {apps.All.Sum(a => a.Warnings)} / {apps.All.Sum(a => a.Errors)} |"));

// What a job costs, whatever else the machine is doing: the workers' CPU time and the apps' storage transactions over the
// burst, divided by the jobs finished (of every kind), and the same a second while the apps idled after it.
var jobsFinished = outcomes.Count(r => r is not null and not RefusedJob);
var requestsInBurst = storage.Between(burstStartedAt, burstEndedAt);
var requestsIdle = storage.Between(burstEndedAt, idleEndedAt);
var everyKind = options.Mixed ? " (every kind)" : "";
Console.WriteLine(string.Create(invariant, $"| the burst, over which a job's cost is taken: first submission to the last job's end seen by its client | {(burstEndedAt - burstStartedAt).TotalSeconds:0.0} s, {jobsFinished} jobs finished{everyKind} |"));
Console.WriteLine(string.Create(invariant, $"| worker CPU time (user + system) per job finished{everyKind} | {(jobsFinished == 0 ? "n/a" : $"{cpuInBurst.TotalMilliseconds / jobsFinished:0.0} ms")} ({cpuInBurst.TotalSeconds:0.00} s in all) |"));
Console.WriteLine(string.Create(invariant, $"| worker CPU time at start-up (to the first answer); a second while idle after the burst | {startUpCpu.TotalSeconds:0.00} s; {cpuIdle.TotalMilliseconds / idle.TotalSeconds:0.0} ms (over {idle.TotalSeconds:0.0} s) |"));
Console.WriteLine(string.Create(invariant, $"| storage requests per job finished{everyKind}, blob / queue / table (total) | {(jobsFinished == 0 ? "n/a" : StorageRequests.Describe(requestsInBurst, jobsFinished))}; {requestsInBurst.Count:N0} in all, {StorageRequests.DescribeUnanswered(requestsInBurst)} not answered through the counting proxy |"));
Console.WriteLine(string.Create(invariant, $"| storage requests a second while idle after the burst, blob / queue / table (total) | {StorageRequests.Describe(requestsIdle, idle.TotalSeconds)} |"));

var everyKindFinished = !options.Mixed || await plan.WriteTableAsync(emulator.BaseAddress, burstStartedAt, outcomes, requestsInBurst);
foreach (var client in clients)
{
    client.Dispose();
}

return lost == 0 && refused == 0 && everyKindFinished ? 0 : 1;

// Starts and arrivals paired in order: calls leave about 100 ms apart and the spread is far smaller, so the n-th call
// started is the n-th to arrive. Where the counts differ (a call that never reached Baidu), the pairing stops there.
static (int Paired, double P50, double P99, double Max) Spread(IReadOnlyList<DateTimeOffset> departures, IReadOnlyList<DateTimeOffset> arrivals)
{
    var paired = Math.Min(departures.Count, arrivals.Count);
    var spread = Enumerable.Range(0, paired).Select(i => (arrivals[i] - departures[i]).TotalMilliseconds).Order().ToArray();
    double At(double p) => Percentiles.At(spread, p);
    return (paired, At(0.50), At(0.99), spread.Length == 0 ? double.NaN : spread[^1]);
}

internal record JobResult(string Id, string Status, TimeSpan SubmitToResult, DateTimeOffset FinishedAt);

internal sealed record RefusedJob(int StatusCode) : JobResult("", "Refused", TimeSpan.Zero, default);

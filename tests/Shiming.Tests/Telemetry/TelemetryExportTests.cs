using System.Net;
using System.Text;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using Shiming.Tests.Jobs;

namespace Shiming.Tests.Telemetry;

/// <summary>
/// The real worker under the host emulator, exporting over OTLP (<c>http/protobuf</c>) to a receiver in the test
/// process, as it would to a collector: the in-memory exporter cannot reach into the worker's process, and this way the
/// test sees exactly the bytes a collector would get.
/// </summary>
[TestClass]
public sealed class TelemetryExportTests
{
    private static readonly string[] Instruments =
    [
        "shiming.jobs.accepted", "shiming.jobs.finished", "shiming.baidu.calls", "shiming.baidu.call.duration",
        "shiming.budget.used", "shiming.backlog.waiting", "shiming.backlog.oldest_age", "shiming.token.renewals",
    ];

    [TestMethod]
    public async Task A_burst_exports_every_instrument_with_its_attributes_links_each_call_to_its_submit_and_nothing_personal()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var emulator = new EmulatorOptions { NonCardAnswer = NonCardAnswer.Error216633, Recognition = RecognitionMode.Off };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator, configure: settings =>
        {
            foreach (var (key, value) in receiver.WorkerSettings)
            {
                settings[key] = value;
            }
        });
        var people = Enumerable.Range(0, 4).Select(i => SyntheticIdentities.CreatePerson(new Random(1600 + i))).ToList();
        var images = people.Select(person => SyntheticCardImages.RenderFront(person)).ToList();
        var back = SyntheticCardImages.RenderBack(SyntheticIdentities.CreateBack(new Random(1610), people[0]));
        var picture = SyntheticCardImages.RenderPlainPicture();

        var fronts = new List<(string Id, string StatusUri)>();
        foreach (var image in images)
        {
            fronts.Add(await app.SubmitJobAsync(image));
        }

        var backJob = await app.SubmitJobAsync(back, "back");
        var notACard = await app.SubmitJobAsync(picture);
        var terminated = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(1620))));
        using (var terminate = await app.Client.PostAsync($"{terminated.StatusUri}/terminate", null))
        {
            Assert.AreEqual(HttpStatusCode.Accepted, terminate.StatusCode);
        }

        // The first run meets error 18 on every call; the jobs go back and finish in the runs after.
        emulator.QpsBurstRate = 1;
        await app.DrainOnceAsync();
        emulator.QpsBurstRate = 0;
        foreach (var (_, statusUri) in fronts.Append(backJob).Append(notACard))
        {
            await app.DrainUntilFinishedAsync(statusUri);
        }

        await receiver.WaitForAsync(
            r => Instruments.All(name => r.MetricPoints().Any(p => p.Name == name))
                && r.MetricPoints().Any(p => p.Name == "shiming.jobs.finished" && p.Attributes.GetValueOrDefault("outcome") == "completed" && p.Value >= 5)
                && r.MetricPoints().Any(p => p.Name == "shiming.jobs.finished" && p.Attributes.GetValueOrDefault("error_code") == "not_an_id_card" && p.Value >= 1)
                && r.MetricPoints().Any(p => p.Name == "shiming.jobs.finished" && p.Attributes.GetValueOrDefault("outcome") == "terminated" && p.Value >= 1)
                && r.Spans().Count(s => s.Name == "baidu idcard" && s.Attributes.GetValueOrDefault("shiming.baidu.outcome") == "success") >= 5,
            "every instrument, every finished job (completed, failed, terminated) and their calls");
        var points = receiver.MetricPoints();

        // Counters are cumulative: the last point of each attribute set holds the total.
        double Total(string name, params (string Key, string Value)[] attributes) => points
            .Where(p => p.Name == name && attributes.All(a => p.Attributes.GetValueOrDefault(a.Key) == a.Value))
            .GroupBy(p => string.Join(",", p.Attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}")))
            .Sum(g => g.Last().Kind == "histogram" ? g.Last().Count : g.Last().Value);

        Assert.AreEqual(6, Total("shiming.jobs.accepted", ("kind", "verification"), ("side", "front")));
        Assert.AreEqual(1, Total("shiming.jobs.accepted", ("kind", "verification"), ("side", "back")));
        Assert.AreEqual(5, Total("shiming.jobs.finished", ("kind", "verification"), ("outcome", "completed")));
        Assert.AreEqual(1, Total("shiming.jobs.finished", ("outcome", "failed"), ("error_code", "not_an_id_card")));
        Assert.AreEqual(1, Total("shiming.jobs.finished", ("outcome", "terminated")));
        Assert.AreEqual(5, Total("shiming.baidu.calls", ("api", "idcard"), ("outcome", "success")));
        Assert.AreEqual(1, Total("shiming.baidu.calls", ("outcome", "input")));
        Assert.IsGreaterThanOrEqualTo(1, Total("shiming.baidu.calls", ("outcome", "qps_refused")));
        Assert.AreEqual(
            Total("shiming.baidu.calls"), Total("shiming.baidu.call.duration"), "one duration for every call, with the call's attributes");
        Assert.IsTrue(points.Where(p => p.Name == "shiming.baidu.call.duration").All(p => p.Unit == "s"));
        Assert.IsGreaterThanOrEqualTo(1, points.Where(p => p.Name == "shiming.token.renewals").Max(p => p.Value));
        Assert.IsTrue(points.Where(p => p.Name == "shiming.budget.used").All(p => p.Kind == "gauge" && p.Value is >= 0 and <= 1.5));
        Assert.IsTrue(points.Any(p => p.Name == "shiming.budget.used" && p.Attributes.GetValueOrDefault("kind") == "verification" && p.Value > 0), "the cards' budget was spent");
        Assert.IsTrue(points.Where(p => p.Name == "shiming.backlog.waiting").All(p => p.Kind == "gauge" && p.Value >= 0));
        Assert.IsTrue(points.Any(p => p.Name == "shiming.backlog.waiting" && p.Attributes.GetValueOrDefault("kind") == "verification"), "the card line's backlog, by kind");
        Assert.IsTrue(points.Where(p => p.Name == "shiming.backlog.oldest_age").All(p => p.Kind == "gauge" && p.Unit == "s"));
        var baiduOutcomes = points.Where(p => p.Name == "shiming.baidu.calls").Select(p => p.Attributes["outcome"]).ToHashSet();
        Assert.IsTrue(baiduOutcomes.IsSubsetOf(["success", "qps_refused", "quota", "token", "transient", "input"]), string.Join(",", baiduOutcomes));

        // Each job's Baidu call is linked to its submit's span, whose context came in the job message.
        var spans = receiver.Spans();
        foreach (var (id, _) in fronts.Append(backJob).Append(notACard))
        {
            var submit = spans.Single(s => s.Name == "submit verification" && s.Attributes.GetValueOrDefault("shiming.job.id") == id);
            var calls = spans.Where(s => s.Name == "baidu idcard" && s.Attributes.GetValueOrDefault("shiming.job.id") == id).ToList();
            Assert.IsNotEmpty(calls, $"no call span for job {id}");
            Assert.IsTrue(calls.All(call => call.Links.Contains((submit.TraceId, submit.SpanId))), $"a call of job {id} is not linked to its submit");
            Assert.IsTrue(calls.All(call => call.TraceId != submit.TraceId), "the call belongs to the drain's trace, linked, not parented");
        }

        // Logs arrive too, and the worker's own log lines still reach the host.
        await receiver.WaitForAsync(r => r.LogRecords().Any(), "log records");
        Assert.IsTrue(app.LogLines.Any(line => line.Contains("accepted", StringComparison.Ordinal)), "the worker's log lines still reach the host");

        // Nothing a person could be known by, anywhere in any export: every request is searched as sent.
        var everything = receiver.Bodies("metrics").Concat(receiver.Bodies("traces")).Concat(receiver.Bodies("logs")).ToList();
        Assert.IsTrue(
            everything.Any(body => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(fronts[0].Id)) >= 0),
            "the search would find a value that is exported: the job id is");
        foreach (var person in people)
        {
            foreach (var value in new[] { person.Name, person.IdNumber, person.IdNumber[6..14], person.Address })
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                Assert.IsFalse(everything.Any(body => body.AsSpan().IndexOf(bytes) >= 0), "a personal value was exported");
            }
        }

        var imageSample = Convert.ToBase64String(images[0].AsSpan(images[0].Length / 2, 48));
        Assert.IsFalse(
            everything.Any(body => body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(imageSample)) >= 0 || body.AsSpan().IndexOf(images[0].AsSpan(images[0].Length / 2, 48)) >= 0),
            "part of an image was exported");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Shiming.Benchmark;

/// <summary>
/// How long one kind of request took, from the client's send to the whole answer read, as the benchmark's clients
/// see it: the cost of a submit or of a status poll to a phone, queueing in the app included.
/// </summary>
internal sealed class RoundTrips
{
    private readonly ConcurrentBag<double> _milliseconds = [];

    public async Task<HttpResponseMessage> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await send();
        await response.Content.LoadIntoBufferAsync();
        _milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }

    public string Describe()
    {
        var sorted = _milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return "n/a";
        }

        double At(double p) => Percentiles.At(sorted, p);
        return string.Create(CultureInfo.InvariantCulture, $"{At(0.50):0} ms / {At(0.99):0} ms ({sorted.Length:N0} requests)");
    }
}

namespace Shiming.BaiduEmulator;

/// <summary>A fault the emulator injected into a call, as the call log names it.</summary>
public static class EmulatorFaults
{
    /// <summary>HTTP 500, 502 or 503 with a gateway's HTML body.</summary>
    public const string ServerError = "server_error";

    /// <summary>No answer: the request was held until the client gave up.</summary>
    public const string Timeout = "timeout";

    /// <summary>Error 282000 <c>internal error</c>.</summary>
    public const string InternalError = "internal_error";

    /// <summary>The connection was aborted without an answer.</summary>
    public const string ConnectionReset = "connection_reset";

    /// <summary>Error 18 inside a burst drawn by <see cref="EmulatorOptions.QpsBurstRate"/>, not because the caller exceeded the limit.</summary>
    public const string QpsBurst = "qps_burst";

    /// <summary>Error 17: <see cref="EmulatorOptions.DailyQuota"/> successful calls were already made this Beijing day.</summary>
    public const string DailyQuota = "daily_quota";

    /// <summary>Error 19: <see cref="EmulatorOptions.TotalQuota"/> successful calls were already made.</summary>
    public const string TotalQuota = "total_quota";
}

/// <summary>
/// The random part of the emulator: answer delays, injected faults and error-18 bursts, all from one generator,
/// seeded by <see cref="EmulatorOptions.FaultSeed"/> (a changed seed starts the sequence again).
/// </summary>
internal sealed class FaultInjector
{
    // The standard normal's 99th percentile: p99 = median · e^(σ · 2.326).
    private const double NormalP99 = 2.326;

    private readonly Lock _gate = new();
    private Random _random;
    private int? _seed;
    private DateTimeOffset _burstUntil = DateTimeOffset.MinValue;

    public FaultInjector(int? seed)
    {
        _seed = seed;
        _random = NewRandom(seed);
    }

    /// <summary>
    /// The fault to inject into a call that passed the token, QPS and quota checks, or null to answer it properly.
    /// A call inside an error-18 burst is always refused; otherwise one draw decides, each rate taking its share.
    /// </summary>
    public string? DrawFault(EmulatorOptions options, DateTimeOffset now)
    {
        lock (_gate)
        {
            Reseed(options);
            if (now < _burstUntil)
            {
                return EmulatorFaults.QpsBurst;
            }

            var draw = _random.NextDouble();
            foreach (var (rate, fault) in (ReadOnlySpan<(double, string)>)
            [
                (options.ServerErrorRate, EmulatorFaults.ServerError),
                (options.TimeoutRate, EmulatorFaults.Timeout),
                (options.InternalErrorRate, EmulatorFaults.InternalError),
                (options.ConnectionResetRate, EmulatorFaults.ConnectionReset),
                (options.QpsBurstRate, EmulatorFaults.QpsBurst),
            ])
            {
                if (draw < rate)
                {
                    if (fault == EmulatorFaults.QpsBurst)
                    {
                        _burstUntil = now + options.QpsBurstLength;
                    }

                    return fault;
                }

                draw -= rate;
            }

            return null;
        }
    }

    /// <summary>Which gateway status a server error answers with: 500, 502 or 503.</summary>
    public int DrawServerErrorStatus(EmulatorOptions options)
    {
        lock (_gate)
        {
            Reseed(options);
            return _random.Next(3) switch
            {
                0 => StatusCodes.Status500InternalServerError,
                1 => StatusCodes.Status502BadGateway,
                _ => StatusCodes.Status503ServiceUnavailable,
            };
        }
    }

    /// <summary>How long to wait before answering: log-normal with the configured median and 99th percentile, capped.</summary>
    public TimeSpan DrawLatency(EmulatorOptions options)
    {
        var median = options.LatencyMedian;
        if (median <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var p99 = options.LatencyP99;
        if (p99 <= median)
        {
            return median;
        }

        double normal;
        lock (_gate)
        {
            Reseed(options);

            // Box–Muller: two uniform draws in (0, 1] make one standard normal draw.
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        var sigma = Math.Log(p99 / median) / NormalP99;
        var seconds = median.TotalSeconds * Math.Exp(sigma * normal);
        return seconds >= EmulatorOptions.MaxLatency.TotalSeconds ? EmulatorOptions.MaxLatency : TimeSpan.FromSeconds(seconds);
    }

    private void Reseed(EmulatorOptions options)
    {
        if (options.FaultSeed != _seed)
        {
            _seed = options.FaultSeed;
            _random = NewRandom(_seed);
            _burstUntil = DateTimeOffset.MinValue;
        }
    }

    private static Random NewRandom(int? seed) => seed is { } value ? new Random(value) : new Random();
}

/// <summary>
/// Successful calls counted against <see cref="EmulatorOptions.DailyQuota"/> (per Beijing day) and
/// <see cref="EmulatorOptions.TotalQuota"/>. A call takes its place when it passes the check and gives it back if it
/// is not answered with a success body, because Baidu counts only the calls it bills.
/// </summary>
internal sealed class QuotaCounter
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    private readonly Lock _gate = new();
    private DateOnly _day;
    private int _usedToday;
    private long _usedInTotal;

    /// <summary>Null when the call fits, else the fault that refuses it (<c>total_quota</c> or <c>daily_quota</c>).</summary>
    public string? TryTake(EmulatorOptions options, DateTimeOffset now, out DateOnly day)
    {
        day = BeijingDay(now);
        lock (_gate)
        {
            if (day != _day)
            {
                _day = day;
                _usedToday = 0;
            }

            if (options.TotalQuota is { } total && _usedInTotal >= total)
            {
                return EmulatorFaults.TotalQuota;
            }

            if (options.DailyQuota is { } daily && _usedToday >= daily)
            {
                return EmulatorFaults.DailyQuota;
            }

            _usedToday++;
            _usedInTotal++;
            return null;
        }
    }

    /// <summary>Gives back a place taken on <paramref name="day"/> by a call that did not succeed.</summary>
    public void GiveBack(DateOnly day)
    {
        lock (_gate)
        {
            if (day == _day && _usedToday > 0)
            {
                _usedToday--;
            }

            if (_usedInTotal > 0)
            {
                _usedInTotal--;
            }
        }
    }

    /// <summary>The calendar day in Beijing (UTC+8) at <paramref name="now"/>.</summary>
    public static DateOnly BeijingDay(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(BeijingOffset).DateTime);
}

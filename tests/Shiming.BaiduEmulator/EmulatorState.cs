using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Shiming.BaiduEmulator;

/// <summary>Everything one running emulator remembers: issued tokens, each API's QPS window, quotas and fault draws, the call log, the authority's records.</summary>
internal sealed class EmulatorState(EmulatorOptions options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, ApiCounters> _apis = new(StringComparer.Ordinal);

    // Real log ids are 19-digit numbers above 2^53, which is what breaks parsers that go through double.
    private long _lastLogId = 1_500_000_000_000_000_000 + RandomNumberGenerator.GetInt32(int.MaxValue);

    public EmulatorOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public TokenRegistry Tokens { get; } = new(timeProvider);

    public CallLog Calls { get; } = new();

    public IdentityRegistry People { get; } = new();

    /// <summary>
    /// The QPS window, quota and fault draws of one API. Baidu counts each API on its own (a burst of text OCR does not
    /// use the ID-card API's QPS), so each has its own, made when first called.
    /// </summary>
    public ApiCounters For(string api) => _apis.GetOrAdd(api, _ => new ApiCounters(Options.FaultSeed));

    public ulong NextLogId() => (ulong)Interlocked.Increment(ref _lastLogId);
}

/// <summary>What the emulator counts for one API.</summary>
internal sealed class ApiCounters(int? faultSeed)
{
    public QpsLimiter Qps { get; } = new();

    public QuotaCounter Quota { get; } = new();

    public FaultInjector Faults { get; } = new(faultSeed);
}

namespace Shiming.Tests.Emulator;

/// <summary>
/// A clock that moves only when told, whose timers still run in real time (the base class's): the emulator and the
/// apps these tests start wait on their clock and must not hang. Microsoft.Extensions.TimeProvider.Testing's fake,
/// whose timers fire only when it is advanced, serves the tests that drive every wait themselves.
/// </summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}

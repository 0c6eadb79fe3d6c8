namespace Shiming.Telemetry;

/// <summary>What the line of waiting jobs looked like when last read: how many, and since when the oldest waits.</summary>
public sealed record BacklogReading(int Waiting, DateTimeOffset? OldestAcceptedAt);

/// <summary>
/// Gives the backlog gauges a reading without a storage call of their own: the last one the feature made, refreshed in
/// the background when it has grown old.
/// </summary>
public interface IBacklogReader
{
    BacklogReading? Read();
}

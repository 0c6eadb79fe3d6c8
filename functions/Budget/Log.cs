namespace Shiming.Budget;

internal static partial class Log
{
    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Baidu has refused every {Budget} call with error 18 since {Since}: check that the Baidu account is verified and has QPS for this API, and that its QpsLimit setting matches what it bought")]
    public static partial void PersistentQpsRefusal(ILogger logger, string budget, string since);

    /// <summary>A reserved start time its caller could not use in time; each is a tenth of a second's budget lost at QPS 10.</summary>
    [LoggerMessage(EventId = 3014, Level = LogLevel.Debug, Message = "Start time {Slot:o} given up ({Reason}, {LateMilliseconds:0.0} ms after it)")]
    public static partial void StartTimeGivenUp(ILogger logger, DateTimeOffset slot, string reason, double lateMilliseconds);

    /// <summary>Reserved start times that passed while no caller was waiting for them.</summary>
    [LoggerMessage(EventId = 3015, Level = LogLevel.Debug, Message = "{Count} reserved start times passed unused")]
    public static partial void StartTimesDropped(ILogger logger, int count);
}

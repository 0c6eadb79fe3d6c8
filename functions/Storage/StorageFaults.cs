using System.Net.Sockets;
using Azure;

namespace Shiming.Storage;

/// <summary>
/// Which storage failures mean "storage is not there right now" rather than "this request is wrong": no answer at all
/// (connection refused or reset, a timeout, the SDK's retries used up on those), or the service saying it is busy or
/// failing (<c>500 OperationTimedOut</c>, <c>503 ServerBusy</c>, other 5xx, 408). Such a failure is worth waiting out.
/// </summary>
public static class StorageFaults
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or >= 500 } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        HttpRequestException or SocketException or IOException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        OperationCanceledException or TimeoutException => exception.InnerException is null || IsUnavailable(exception.InnerException),
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    /// <summary>A fault in a few words for a log line: the service's status and error code, or the exception's type.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status == 0 ? "no answer" : $"{failed.Status} {failed.ErrorCode}",
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        _ => exception.GetType().Name,
    };
}

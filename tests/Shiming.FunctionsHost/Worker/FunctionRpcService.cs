using Grpc.Core;
using RpcException = Grpc.Core.RpcException;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Shiming.FunctionsHost.Worker;

/// <summary>The host's gRPC service: a worker dials in, names itself in StartStream, and gets its channel.</summary>
internal sealed class FunctionRpcService(WorkerRegistry registry) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream,
        IServerStreamWriter<StreamingMessage> responseStream,
        ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false)
            || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The first message must be StartStream."));
        }

        var workerId = requestStream.Current.StartStream.WorkerId;
        if (!registry.TryGet(workerId, out var channel))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No worker {workerId} was started by this host."));
        }

        await channel.RunStreamAsync(requestStream, responseStream, context.CancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The channels of the workers this host started, by worker id.</summary>
internal sealed class WorkerRegistry
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WorkerChannel> _channels = new(StringComparer.Ordinal);

    public void Add(WorkerChannel channel) => _channels[channel.WorkerId] = channel;

    public void Remove(WorkerChannel channel) => _channels.TryRemove(channel.WorkerId, out _);

    public bool TryGet(string workerId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkerChannel? channel) =>
        _channels.TryGetValue(workerId, out channel);
}

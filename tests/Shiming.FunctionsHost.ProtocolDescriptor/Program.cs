using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

// The worker's gRPC messages are internal and no .proto ships in any package, but the generated reflection
// class of FunctionRpc.proto carries the whole schema. Written out with its dependencies, it is exactly the
// protocol the pinned worker speaks, field numbers included.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Shiming.FunctionsHost.ProtocolDescriptor <output.pb>");
    return 2;
}

var grpcAssembly = Assembly.Load("Microsoft.Azure.Functions.Worker.Grpc");
var reflectionClass = grpcAssembly.GetTypes()
    .SingleOrDefault(t => t.Name == "FunctionRpcReflection")
    ?? throw new InvalidOperationException($"{grpcAssembly.GetName()} has no FunctionRpcReflection class.");
var descriptor = (FileDescriptor)(reflectionClass
    .GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
    ?.GetValue(null)
    ?? throw new InvalidOperationException("FunctionRpcReflection.Descriptor was not found."));

// protoc wants every file after the files it imports.
var ordered = new List<FileDescriptor>();
var seen = new HashSet<string>(StringComparer.Ordinal);
void Add(FileDescriptor file)
{
    if (!seen.Add(file.Name))
    {
        return;
    }

    foreach (var dependency in file.Dependencies)
    {
        Add(dependency);
    }

    ordered.Add(file);
}

Add(descriptor);

var set = new FileDescriptorSet();
set.File.AddRange(ordered.Select(f => f.ToProto()));
var output = Path.GetFullPath(args[0]);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
var bytes = set.ToByteArray();

// Unchanged bytes leave the file alone, so an incremental build does not regenerate the C#.
if (!File.Exists(output) || !File.ReadAllBytes(output).AsSpan().SequenceEqual(bytes))
{
    File.WriteAllBytes(output, bytes);
}

Console.WriteLine($"{descriptor.Name} ({grpcAssembly.GetName().Version}): {string.Join(", ", ordered.Select(f => f.Name))}");
return 0;

using System.Text.Json.Nodes;

namespace Fovea.IO;

/// <summary>
/// What <see cref="Checkpoint.Load(string)"/> returns: the tensors by name, in the order they were saved, and the
/// caller-defined JSON metadata (an empty object when none was saved).
/// </summary>
/// <param name="Tensors">Name to tensor, in file order (backed by an ordered dictionary).</param>
/// <param name="Metadata">The metadata object passed to <see cref="Checkpoint.Save"/>.</param>
public sealed record CheckpointData(IReadOnlyDictionary<string, Tensor> Tensors, JsonObject Metadata);

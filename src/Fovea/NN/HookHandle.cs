namespace Fovea.NN;

/// <summary>Removes the hook it was returned for when disposed (or on <see cref="Remove"/>); removing twice is harmless.</summary>
public sealed class HookHandle : IDisposable
{
    Action? _remove;

    internal HookHandle(Action remove) => _remove = remove;

    /// <summary>Removes the hook.</summary>
    public void Remove()
    {
        _remove?.Invoke();
        _remove = null;
    }

    public void Dispose() => Remove();
}

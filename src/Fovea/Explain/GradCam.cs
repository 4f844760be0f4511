using Fovea.NN;

namespace Fovea.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018) on any layer of a classifier, chosen
/// as a module or by its name in <see cref="Module.NamedModules"/>. A forward hook keeps the layer's activations A
/// [N,K,h,w] and a gradient hook on them keeps ∂ logit_target / ∂ A; the map ReLU(Σ_k w_k A_k) is upsampled
/// bilinearly to the input size. Returns [N,1,H,W].
/// </summary>
public static class GradCam
{
    /// <summary>Grad-CAM: w_k is the spatial mean of the gradient of channel k.</summary>
    public static Tensor Compute(Module model, Tensor x, string layerName, Tensor? target = null) =>
        Compute(model, x, Resolve(model, layerName), target, plusPlus: false);

    /// <summary>Grad-CAM++: w_k = Σ_ij α_kij ReLU(g_kij), α = g² / (2g² + Σ_ij A_kij g³).</summary>
    public static Tensor ComputePlusPlus(Module model, Tensor x, string layerName, Tensor? target = null) =>
        Compute(model, x, Resolve(model, layerName), target, plusPlus: true);

    /// <summary>Grad-CAM or Grad-CAM++ on the given layer module (a descendant of <paramref name="model"/>).</summary>
    public static Tensor Compute(Module model, Tensor x, Module layer, Tensor? target = null, bool plusPlus = false)
    {
        string who = plusPlus ? "GradCam++" : "GradCam";
        GradientUtil.CheckImages(x, who);
        var t = GradientUtil.Targets(model, x, target, who);
        Tensor? act = null, grad = null;
        using (layer.RegisterForwardHook((_, _, output) =>
        {
            act = output;
            if (output.RequiresGrad) output.RegisterHook(g => { grad = g; });
        }))
        {
            GradientUtil.InputGradient(model, x, l => GradientUtil.TargetScore(l, t));
        }
        if (act is null) throw new ArgumentException($"{who}: the layer {layer.TypeName} was not called in the forward pass.");
        if (act.Rank != 4) throw new ShapeMismatchException($"{who}: the layer's output must be a feature map [N,K,h,w], got {act.Shape} ({layer.TypeName}).");
        int n = act.Shape[0], k = act.Shape[1], hh = act.Shape[2], ww = act.Shape[3], hw = hh * ww;
        var a = act.Detach().Contiguous().ToArray();
        var g = grad is null ? new float[a.Length] : grad.Contiguous().ToArray();
        var cam = new float[n * hw];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < k; ch++)
            {
                int o = (i * k + ch) * hw;
                double weight = 0;
                if (!plusPlus)
                {
                    for (int p = 0; p < hw; p++) weight += g[o + p];
                    weight /= hw;
                }
                else
                {
                    double sumAG3 = 0;
                    for (int p = 0; p < hw; p++) sumAG3 += (double)a[o + p] * g[o + p] * g[o + p] * g[o + p];
                    for (int p = 0; p < hw; p++)
                    {
                        double g2 = (double)g[o + p] * g[o + p];
                        double den = 2 * g2 + sumAG3;
                        double alpha = den != 0 ? g2 / den : 0;
                        weight += alpha * Math.Max(g[o + p], 0);
                    }
                }
                for (int p = 0; p < hw; p++) cam[i * hw + p] += (float)(weight * a[o + p]);
            }
        for (int j = 0; j < cam.Length; j++) cam[j] = Math.Max(cam[j], 0);
        var map = Tensor.FromArray(cam, n, 1, hh, ww);
        int h = x.Shape[2], w = x.Shape[3];
        if (hh == h && ww == w) return map;
        using (Autograd.NoGrad()) return Ops.Interpolate(map, [h, w], null, "bilinear", alignCorners: false);
    }

    /// <summary>The module called <paramref name="layerName"/>; an unknown name lists the choices.</summary>
    public static Module Resolve(Module model, string layerName)
    {
        foreach (var (name, m) in model.NamedModules())
            if (name == layerName) return m;
        var names = model.NamedModules().Where(m => m.Name.Length > 0).Select(m => $"{m.Name} ({m.Module.TypeName})");
        throw new ArgumentException($"GradCam: no layer named '{layerName}'. Layers: {string.Join(", ", names)}.");
    }

    /// <summary>
    /// The usual Grad-CAM layer: the last <see cref="Conv2d"/>, or, when its siblings right after it are a
    /// <see cref="BatchNorm2d"/> and/or an activation (ReLU, ReLU6), the last of those (the rectified feature maps);
    /// when the conv sits inside a composite block (e.g. a residual block, any non-<see cref="Sequential"/> module
    /// below the model), the outermost such block, whose output includes the residual addition.
    /// </summary>
    public static string DefaultLayerName(Module model)
    {
        string conv = LastConvName(model);
        var all = model.NamedModules().ToList();
        var parts = conv.Split('.');
        for (int k = 1; k < parts.Length; k++)
        {
            string ancestor = string.Join('.', parts[..k]);
            if (model.GetSubmodule(ancestor) is not Sequential) return ancestor;
        }
        int i = all.FindIndex(m => m.Name == conv);
        string parent = conv.Contains('.') ? conv[..conv.LastIndexOf('.')] : "";
        string best = conv;
        for (int j = i + 1; j < all.Count; j++)
        {
            var (name, m) = all[j];
            string p = name.Contains('.') ? name[..name.LastIndexOf('.')] : "";
            if (p != parent || m is not (BatchNorm2d or ReLU or ReLU6)) break;
            best = name;
        }
        return best;
    }

    /// <summary>The name of the last <see cref="Conv2d"/> in the model.</summary>
    public static string LastConvName(Module model)
    {
        string? last = null;
        foreach (var (name, m) in model.NamedModules())
            if (m is Conv2d) last = name;
        return last ?? throw new ArgumentException($"GradCam: the model has no Conv2d layer; pass a layer name.");
    }
}

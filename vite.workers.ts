// Build options every bundle of our workers needs (the app's build and the bench page's).
import type { Plugin, UserConfig } from 'vite';

export const workerBuildOptions = {
  // ORT's external-wasm build: its wasm comes from /ort/ (copied by models:copy), not a second 27 MB asset.
  resolve: { conditions: ['heimdex-source', 'onnxruntime-web-use-extern-wasm'] },
  worker: {
    format: 'es',
    plugins: () => [hnswlibWithoutEval()],
    // ORT in a chunk of its own: when its glue shares a chunk with other code, its pthread workers
    // re-import that chunk and die (STACK-NOTES). Worker bundles take their own rolldown options.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'onnxruntime-web', test: /node_modules[\\/]onnxruntime-(web|common)[\\/]/ }],
        },
      },
    },
  },
} satisfies UserConfig;

/**
 * hnswlib-wasm's Emscripten glue makes each binding's invoker with `new Function` (its embind was built without
 * DYNAMIC_EXECUTION=0), which the app's Content-Security-Policy refuses: no 'unsafe-eval'. This rewrites that one
 * place into the closure Emscripten's own eval-free build uses, with the same checks and the same destructor calls
 * (the browser test tests/browser/pictures.test.ts runs it). The build fails if the place is not found.
 */
export function hnswlibWithoutEval(): Plugin {
  const evaluated = 'return newFunc(Function, args1).apply(null, args2);';
  const closure = `return function (...args) {
        if (args.length !== argCount - 2) throwBindingError('function ' + humanName + ' called with ' + args.length + ' arguments, expected ' + (argCount - 2) + ' args!');
        var destructors = needsDestructorStack ? [] : null;
        var thisWired = isClassMethodFunc ? argTypes[1].toWireType(destructors, this) : undefined;
        var wired = [];
        for (var k = 0; k < argCount - 2; ++k) wired.push(argTypes[k + 2].toWireType(destructors, args[k]));
        var rv = isClassMethodFunc ? cppInvokerFunc(cppTargetFunc, thisWired, ...wired) : cppInvokerFunc(cppTargetFunc, ...wired);
        if (needsDestructorStack) runDestructors(destructors);
        else for (var d = isClassMethodFunc ? 1 : 2; d < argTypes.length; ++d) {
          if (argTypes[d].destructorFunction !== null) argTypes[d].destructorFunction(d === 1 ? thisWired : wired[d - 2]);
        }
        if (returns) return argTypes[0].fromWireType(rv);
      };`;
  return {
    name: 'heimdex-hnswlib-without-eval',
    transform(code, id) {
      if (!/hnswlib-wasm[\\/]dist[\\/]hnswlib-[0-9a-f]+\.js$/.test(id)) return null;
      if (!code.includes(evaluated)) this.error(`hnswlib-wasm's glue no longer makes its invokers as ${evaluated}: look at hnswlibWithoutEval again.`);
      return { code: code.replace(evaluated, closure), map: null };
    },
  };
}

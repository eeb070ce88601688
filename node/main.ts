/** `node node/main.ts <command>` (npm start, the Docker image) runs the meshnode binary. */
await import(new URL('../bin/meshnode.js', import.meta.url).href)

#!/usr/bin/env bash
# Writes the boilerplate every project shares (project.json, tsconfigs, jest and eslint config).
# Usage: tools/scaffold/project-files.sh lib|app <root> <name> "<tags comma separated>" "<description>"
set -euo pipefail
kind=$1 root=$2 name=$3 tags=$4 desc=$5
mkdir -p "$root/src"; up=$(realpath --relative-to="$root" .)
mkdir -p "$root/src"
tagjson=$(printf '%s' "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')

if [ "$kind" = lib ]; then
cat > "$root/project.json" <<J
{
  "name": "$name",
  "\$schema": "$up/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "library",
  "tags": [$tagjson],
  "metadata": { "description": "$desc" },
  "targets": {
    "build": {
      "executor": "nx:run-commands",
      "options": { "command": "tsc -p $root/tsconfig.lib.json --noEmit" },
      "metadata": { "description": "Type-checks the library. Libraries are not published: the apps bundle them from source." }
    },
    "lint": { "executor": "@nx/eslint:lint" },
    "typecheck": {
      "executor": "nx:run-commands",
      "cache": true,
      "inputs": ["default", "^production"],
      "options": { "command": "tsc -p $root/tsconfig.spec.json --noEmit" },
      "metadata": { "description": "Type-checks the tests (Jest compiles them without type-checking)." }
    },
    "test": {
      "executor": "nx:run-commands",
      "options": { "command": "jest -c {projectRoot}/jest.config.js" }
    }
  }
}
J
cat > "$root/tsconfig.lib.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$up/dist/out-tsc", "declaration": false },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.test.ts"]
}
J
else
cat > "$root/project.json" <<J
{
  "name": "$name",
  "\$schema": "$up/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "application",
  "tags": [$tagjson],
  "metadata": { "description": "$desc" },
  "targets": {
    "build": {
      "executor": "@nx/esbuild:esbuild",
      "outputs": ["{options.outputPath}"],
      "options": {
        "outputPath": "dist/$root",
        "main": "$root/src/main.ts",
        "tsConfig": "$root/tsconfig.app.json",
        "platform": "node",
        "format": ["cjs"],
        "bundle": true,
        "thirdParty": false,
        "generatePackageJson": true,
        "sourcemap": true,
        "esbuildOptions": { "outExtension": { ".js": ".js" } }
      }
    },
    "lint": { "executor": "@nx/eslint:lint" },
    "typecheck": {
      "executor": "nx:run-commands",
      "cache": true,
      "inputs": ["default", "^production"],
      "options": { "command": "tsc -p $root/tsconfig.spec.json --noEmit" },
      "metadata": { "description": "Type-checks the tests (Jest compiles them without type-checking)." }
    },
    "test": {
      "executor": "nx:run-commands",
      "options": { "command": "jest -c {projectRoot}/jest.config.js" }
    }
  }
}
J
cat > "$root/tsconfig.app.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$up/dist/out-tsc" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.test.ts"]
}
J
fi
cat > "$root/tsconfig.json" <<J
{
  "extends": "$up/tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.$([ "$kind" = lib ] && echo lib || echo app).json" }, { "path": "./tsconfig.spec.json" }]
}
J
cat > "$root/tsconfig.spec.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$up/dist/out-tsc", "types": ["jest", "node"], "isolatedModules": true, "allowJs": true },
  "include": ["src/**/*.ts", "test/**/*.ts"]
}
J
cat > "$root/jest.config.js" <<J
module.exports = {
  displayName: '$name',
  preset: '$up/jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: '$up/coverage/$root',
};
J
cat > "$root/eslint.config.mjs" <<J
import baseConfig from '$up/eslint.config.mjs';

export default [...baseConfig];
J

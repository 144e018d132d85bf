"""The data bucket from the driver, through Hadoop's FileSystem API (S3 on Glue, local files in tests).

Keys are object keys relative to a root URI: `s3://<data_bucket>/` on Glue, a folder locally.
"""

_CHUNK = 1 << 20


class Store:
    """Lists, reads and writes objects under `root` (a URI or a local folder)."""

    def __init__(self, spark, root):
        self._spark = spark
        self._jvm = spark.sparkContext._jvm
        conf = spark.sparkContext._jsc.hadoopConfiguration()
        root_path = self._path(root.rstrip("/") or "/")
        self._fs = root_path.getFileSystem(conf)
        self._fs.setWriteChecksum(False)  # no .crc side files on the local file system
        self.root = self._fs.makeQualified(root_path).toString().rstrip("/") + "/"

    def _path(self, uri):
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def uri(self, key):
        """The qualified path string of a key (what binaryFile reports as `path`)."""
        return self.root + key

    def list(self, prefix):
        """Keys of the files under `prefix` (a key prefix, not necessarily a folder), sorted."""
        folder = prefix[: prefix.rfind("/") + 1]
        start = self._path(self.uri(folder) if folder else self.root)
        if not self._fs.exists(start):
            return []
        keys = []
        files = self._fs.listFiles(start, True)
        while files.hasNext():
            path = files.next().getPath().toString()
            if path.startswith(self.root) and path[len(self.root) :].startswith(prefix):
                keys.append(path[len(self.root) :])
        return sorted(keys)

    def read_files(self, folder):
        """binaryFile DataFrame (path, content, …) of every file under a folder key."""
        location = self.uri(folder) if folder else self.root
        return self._spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(location)

    def write(self, key, chunks):
        """Writes an object from an iterable of str/bytes chunks (buffered to 1 MiB writes)."""
        out = self._fs.create(self._path(self.uri(key)), True)
        try:
            buffer = bytearray()
            for chunk in chunks:
                buffer += chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                if len(buffer) >= _CHUNK:
                    out.write(bytes(buffer))
                    buffer.clear()
            if buffer:
                out.write(bytes(buffer))
        finally:
            out.close()

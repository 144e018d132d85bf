"""The data bucket, from the driver and from the executors: S3 through boto3 on Glue, a folder in tests.

Keys are object keys relative to a root: `s3://<data_bucket>/` on Glue, a local folder otherwise.
Instances are small and picklable (the boto3 client is made lazily in each process), so Spark
ships them to the executors, which read the raw objects and write the shards themselves.
"""

import os
import tempfile

#: Bytes per read: one ranged GET on S3 (so a long read survives a dropped connection), one read() locally.
READ_CHUNK = 8 << 20


def open_objects(root):
    """S3Objects for `s3://bucket/`, FolderObjects for a folder path.

    The S3 endpoint is AWS_ENDPOINT_URL_S3 as the driver sees it (the executors get it with the instance).
    """
    if root.startswith("s3://"):
        bucket = root[len("s3://") :].split("/", 1)[0]
        return S3Objects(bucket, os.environ.get("AWS_ENDPOINT_URL_S3"))
    return FolderObjects(root)


class FolderObjects:
    """Objects as files under a folder (writes are atomic: a temporary file renamed over the key)."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    def _path(self, key):
        return os.path.join(self.root, *key.split("/"))

    def list(self, prefix):
        """(key, size) of every object whose key starts with `prefix`, sorted by key."""
        folder = prefix[: prefix.rfind("/") + 1]
        start = self._path(folder) if folder else self.root
        found = []
        for dirpath, _, names in os.walk(start):
            for name in names:
                path = os.path.join(dirpath, name)
                key = os.path.relpath(path, self.root).replace(os.sep, "/")
                if key.startswith(prefix):
                    found.append((key, os.path.getsize(path)))
        return sorted(found)

    def read(self, key):
        """The object's bytes as an iterator of chunks."""
        with open(self._path(key), "rb") as f:
            while chunk := f.read(READ_CHUNK):
                yield chunk

    def put(self, key, body):
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise


_clients = {}


def _s3(endpoint_url=None):
    """One boto3 S3 client per process and endpoint (region and credentials from the environment)."""
    if endpoint_url not in _clients:
        import boto3

        _clients[endpoint_url] = boto3.client("s3", endpoint_url=endpoint_url)
    return _clients[endpoint_url]


class S3Objects:
    """Objects in one S3 bucket: ListObjectsV2, ranged GetObject, PutObject."""

    def __init__(self, bucket, endpoint_url=None):
        self.bucket = bucket
        self.endpoint_url = endpoint_url

    def list(self, prefix):
        found = []
        for page in _s3(self.endpoint_url).get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            found += [(o["Key"], o["Size"]) for o in page.get("Contents", [])]
        return sorted(found)

    def read(self, key):
        start = 0
        while True:
            end = start + READ_CHUNK - 1
            try:
                response = _s3(self.endpoint_url).get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end}")
            except _s3(self.endpoint_url).exceptions.ClientError as e:  # an empty object has no byte 0
                if start == 0 and e.response.get("Error", {}).get("Code") == "InvalidRange":
                    return
                raise
            chunk = response["Body"].read()
            if chunk:
                yield chunk
            total = int(response["ContentRange"].rsplit("/", 1)[1])
            start += len(chunk)
            if start >= total or not chunk:
                return

    def put(self, key, body):
        _s3(self.endpoint_url).put_object(Bucket=self.bucket, Key=key, Body=body)

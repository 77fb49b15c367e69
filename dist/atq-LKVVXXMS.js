#!/usr/bin/env node
import { createRequire as __atqCreateRequire } from 'node:module';
import { fileURLToPath as __atqFileURLToPath } from 'node:url';
const require = __atqCreateRequire(import.meta.url);
const __atqFilename = __atqFileURLToPath(import.meta.url);
const __atqDirname = __atqFilename.slice(0, __atqFilename.lastIndexOf('/'));
import {
  EXIT,
  connectionFlagSpec,
  consoleLogger,
  dockerOptionsFrom,
  parseFlags
} from "./atq-IJ37RETO.js";
import {
  FIELDS,
  FIELD_NAMES,
  FINAL_STATES,
  MAX_SUMMARY_BYTES,
  REF_PATTERN,
  SERVICE_PATTERN,
  VERDICT_ORDER,
  claimedSource,
  classify,
  collectLogs,
  connectAndLease,
  createRunNetwork,
  currentTasks,
  disposeAll,
  escapeHtml,
  exitCodeHint,
  explainWorkers,
  extractTar,
  fileAccessError,
  formatBytes,
  globMatches,
  indent,
  liveLine,
  outcome,
  parseAutoBaseline,
  parseSize,
  pollMasterTask,
  pollUntil,
  readLogs,
  require_tar_stream,
  resolveOptions,
  runLifecycle,
  runLoadTest,
  runTimeout,
  runWaitCommand,
  selectFiles,
  serviceName,
  sourceProblems,
  statusOf,
  tail,
  writeRunJson
} from "./atq-MZDMUS7Q.js";
import {
  AbortedError,
  AtqError,
  ConfigError,
  MAX_TIMER_MS,
  connector,
  durationText,
  errorMessage,
  formatDuration,
  isAtqError,
  newRunId,
  parseDuration,
  sleep,
  sweep,
  throwIfAborted,
  until,
  within
} from "./atq-U6OLYAHZ.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./atq-GPQQQQ6Q.js";

// node_modules/pend/index.js
var require_pend = __commonJS({
  "node_modules/pend/index.js"(exports, module) {
    module.exports = Pend;
    function Pend() {
      this.pending = 0;
      this.max = Infinity;
      this.listeners = [];
      this.waiting = [];
      this.error = null;
    }
    Pend.prototype.go = function(fn) {
      if (this.pending < this.max) {
        pendGo(this, fn);
      } else {
        this.waiting.push(fn);
      }
    };
    Pend.prototype.wait = function(cb) {
      if (this.pending === 0) {
        cb(this.error);
      } else {
        this.listeners.push(cb);
      }
    };
    Pend.prototype.hold = function() {
      return pendHold(this);
    };
    function pendHold(self) {
      self.pending += 1;
      var called = false;
      return onCb;
      function onCb(err) {
        if (called) throw new Error("callback called twice");
        called = true;
        self.error = self.error || err;
        self.pending -= 1;
        if (self.waiting.length > 0 && self.pending < self.max) {
          pendGo(self, self.waiting.shift());
        } else if (self.pending === 0) {
          var listeners = self.listeners;
          self.listeners = [];
          listeners.forEach(cbListener);
        }
      }
      function cbListener(listener) {
        listener(self.error);
      }
    }
    function pendGo(self, fn) {
      fn(pendHold(self));
    }
  }
});

// node_modules/yauzl/fd-slicer.js
var require_fd_slicer = __commonJS({
  "node_modules/yauzl/fd-slicer.js"(exports) {
    var fs = __require("fs");
    var util = __require("util");
    var stream = __require("stream");
    var Readable2 = stream.Readable;
    var PassThrough = stream.PassThrough;
    var Pend = require_pend();
    var EventEmitter = __require("events").EventEmitter;
    exports.BufferSlicer = BufferSlicer;
    exports.FdSlicer = FdSlicer;
    util.inherits(FdSlicer, EventEmitter);
    function FdSlicer(fd) {
      EventEmitter.call(this);
      this.fd = fd;
      this.pend = new Pend();
      this.pend.max = 1;
      this.refCount = 0;
    }
    FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      var self = this;
      self.pend.go(function(cb) {
        fs.read(self.fd, buffer, offset, length, position, function(err, bytesRead, buffer2) {
          cb();
          callback(err, bytesRead, buffer2);
        });
      });
    };
    FdSlicer.prototype.createReadStream = function(options2) {
      return new ReadStream(this, options2);
    };
    FdSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    FdSlicer.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount < 0) throw new Error("invalid unref");
      if (self.refCount > 0) return;
      fs.close(self.fd, onCloseDone);
      function onCloseDone(err) {
        if (err) {
          self.emit("error", err);
        } else {
          self.emit("close");
        }
      }
    };
    util.inherits(ReadStream, Readable2);
    function ReadStream(context, options2) {
      options2 = options2 || {};
      Readable2.call(this, options2);
      this.context = context;
      this.context.ref();
      this.start = options2.start || 0;
      this.endOffset = options2.end;
      this.pos = this.start;
    }
    ReadStream.prototype._read = function(n2) {
      var self = this;
      var toRead = Math.min(self._readableState.highWaterMark, n2);
      if (self.endOffset != null) {
        toRead = Math.min(toRead, self.endOffset - self.pos);
      }
      if (toRead <= 0) {
        self.push(null);
        this._cleanup();
        return;
      }
      self.context.pend.go(function(cb) {
        var buffer = Buffer.allocUnsafe(toRead);
        fs.read(self.context.fd, buffer, 0, toRead, self.pos, function(err, bytesRead) {
          if (err) {
            self.destroy(err);
          } else if (bytesRead === 0) {
            self.push(null);
            self._cleanup();
          } else {
            self.pos += bytesRead;
            self.push(buffer.slice(0, bytesRead));
          }
          cb();
        });
      });
    };
    ReadStream.prototype._destroy = function(err, cb) {
      this._cleanup();
      cb(err);
    };
    ReadStream.prototype._cleanup = function() {
      if (this.context != null) {
        this.context.unref();
        this.context = null;
      }
    };
    util.inherits(BufferSlicer, EventEmitter);
    function BufferSlicer(buffer) {
      EventEmitter.call(this);
      this.refCount = 0;
      this.buffer = buffer;
    }
    BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
      if (position < 0) throw new RangeError("position is negative: " + position);
      if (offset + length > buffer.length) {
        length = buffer.length - offset;
      }
      if (position + length > this.buffer.length) {
        length = this.buffer.length - position;
      }
      if (length <= 0) {
        setImmediate(function() {
          callback(null, 0);
        });
        return;
      }
      this.buffer.copy(buffer, offset, position, position + length);
      setImmediate(function() {
        callback(null, length);
      });
    };
    BufferSlicer.prototype.createReadStream = function(options2) {
      options2 = options2 || {};
      var readStream = new PassThrough(options2);
      readStream.start = options2.start || 0;
      readStream.endOffset = options2.end;
      readStream.pos = readStream.endOffset || this.buffer.length;
      var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
      var maxChunkSize = 65536;
      var offset = 0;
      while (true) {
        var nextOffset = offset + maxChunkSize;
        if (nextOffset >= entireSlice.length) {
          if (offset < entireSlice.length) {
            readStream.write(entireSlice.slice(offset, entireSlice.length));
          }
          break;
        }
        readStream.write(entireSlice.slice(offset, nextOffset));
        offset = nextOffset;
      }
      readStream.end();
      return readStream;
    };
    BufferSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    BufferSlicer.prototype.unref = function() {
      this.refCount -= 1;
      if (this.refCount < 0) {
        throw new Error("invalid unref");
      }
    };
  }
});

// node_modules/yauzl/crc32.js
var require_crc32 = __commonJS({
  "node_modules/yauzl/crc32.js"(exports, module) {
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function crc32(buf) {
      let crc = -1;
      for (let x of buf) {
        crc = CRC_TABLE[(crc ^ x) & 255] ^ crc >>> 8;
      }
      return (crc ^ -1) >>> 0;
    }
    module.exports = crc32;
  }
});

// node_modules/yauzl/index.js
var require_yauzl = __commonJS({
  "node_modules/yauzl/index.js"(exports) {
    var fs = __require("fs");
    var zlib = __require("zlib");
    var fd_slicer = require_fd_slicer();
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var Transform2 = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var Writable = __require("stream").Writable;
    var crc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : require_crc32();
    exports.open = open2;
    exports.fromFd = fromFd;
    exports.fromBuffer = fromBuffer;
    exports.fromRandomAccessReader = fromRandomAccessReader;
    exports.openPromise = openPromise;
    exports.fromFdPromise = fromFdPromise;
    exports.fromBufferPromise = fromBufferPromise;
    exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;
    exports.dosDateTimeToDate = dosDateTimeToDate;
    exports.getFileNameLowLevel = getFileNameLowLevel;
    exports.validateFileName = validateFileName;
    exports.parseExtraFields = parseExtraFields;
    exports.ZipFile = ZipFile;
    exports.Entry = Entry;
    exports.LocalFileHeader = LocalFileHeader;
    exports.RandomAccessReader = RandomAccessReader;
    function openPromise(path18, options2) {
      return new Promise((resolve, reject) => {
        open2(path18, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromFdPromise(fd, options2) {
      return new Promise((resolve, reject) => {
        fromFd(fd, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromBufferPromise(buffer, options2) {
      return new Promise((resolve, reject) => {
        fromBuffer(buffer, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromRandomAccessReaderPromise(reader, totalSize, options2) {
      return new Promise((resolve, reject) => {
        fromRandomAccessReader(reader, totalSize, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function open2(path18, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs.open(path18, "r", function(err, fd) {
        if (err) return callback(err);
        fromFd(fd, options2, function(err2, zipfile) {
          if (err2) fs.close(fd, defaultCallback);
          callback(err2, zipfile);
        });
      });
    }
    function fromFd(fd, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs.fstat(fd, function(err, stats) {
        if (err) return callback(err);
        var reader = new fd_slicer.FdSlicer(fd);
        fromRandomAccessReader(reader, stats.size, options2, callback);
      });
    }
    function fromBuffer(buffer, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      var reader = new fd_slicer.BufferSlicer(buffer);
      fromRandomAccessReader(reader, buffer.length, options2, callback);
    }
    function fromRandomAccessReader(reader, totalSize, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      var decodeStrings = !!options2.decodeStrings;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
      if (totalSize > Number.MAX_SAFE_INTEGER) {
        throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
      }
      reader.ref();
      var eocdrWithoutCommentSize = 22;
      var zip64EocdlSize = 20;
      var maxCommentSize = 65535;
      var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
      var buffer = newBuffer(bufferSize);
      var bufferReadStart = totalSize - buffer.length;
      readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err) {
        if (err) return callback(err);
        for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
          if (buffer.readUInt32LE(i) !== 101010256) continue;
          var eocdrBuffer = buffer.subarray(i);
          var diskNumber = eocdrBuffer.readUInt16LE(4);
          var entryCount = eocdrBuffer.readUInt16LE(10);
          var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
          var commentLength = eocdrBuffer.readUInt16LE(20);
          var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
          if (commentLength !== expectedCommentLength) {
            return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK\u263A\u263B` in the comment?"));
          }
          var comment = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false) : eocdrBuffer.subarray(22);
          if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 117853008) {
            var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
            var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
            var zip64EocdrBuffer = newBuffer(56);
            return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err2) {
              if (err2) return callback(err2);
              if (zip64EocdrBuffer.readUInt32LE(0) !== 101075792) {
                return callback(new Error("invalid zip64 end of central directory record signature"));
              }
              diskNumber = zip64EocdrBuffer.readUInt32LE(16);
              if (diskNumber !== 0) {
                return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
              }
              entryCount = readUInt64LE(zip64EocdrBuffer, 32);
              centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
              return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
            });
          }
          if (diskNumber !== 0) {
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
        }
        callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
      });
    }
    util.inherits(ZipFile, EventEmitter);
    function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
      var self = this;
      EventEmitter.call(self);
      self.reader = reader;
      self.reader.on("error", function(err) {
        emitError(self, err);
      });
      self.reader.once("close", function() {
        self.emit("close");
      });
      self.readEntryCursor = centralDirectoryOffset;
      self.fileSize = fileSize;
      self.entryCount = entryCount;
      self.comment = comment;
      self.entriesRead = 0;
      self.autoClose = !!autoClose;
      self.lazyEntries = !!lazyEntries;
      self.decodeStrings = !!decodeStrings;
      self.validateEntrySizes = !!validateEntrySizes;
      self.strictFileNames = !!strictFileNames;
      self.isOpen = true;
      self.emittedError = false;
      self.hasEachEntryBeenCalled = false;
      if (!self.lazyEntries) self._readEntry();
    }
    ZipFile.prototype.close = function() {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.reader.unref();
    };
    function emitErrorAndAutoClose(self, err) {
      if (self.autoClose) self.close();
      emitError(self, err);
    }
    function emitError(self, err) {
      if (self.emittedError) return;
      self.emittedError = true;
      self.emit("error", err);
    }
    ZipFile.prototype.readEntry = function() {
      if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
      this._readEntry();
    };
    ZipFile.prototype._readEntry = function() {
      var self = this;
      if (self.entryCount === self.entriesRead) {
        setImmediate(function() {
          if (self.autoClose) self.close();
          if (self.emittedError) return;
          self.emit("end");
        });
        return;
      }
      if (self.emittedError) return;
      var buffer = newBuffer(46);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
        if (err) return emitErrorAndAutoClose(self, err);
        if (self.emittedError) return;
        var entry = new Entry();
        var signature = buffer.readUInt32LE(0);
        if (signature !== 33639248) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature.toString(16)));
        entry.versionMadeBy = buffer.readUInt16LE(4);
        entry.versionNeededToExtract = buffer.readUInt16LE(6);
        entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
        entry.compressionMethod = buffer.readUInt16LE(10);
        entry.lastModFileTime = buffer.readUInt16LE(12);
        entry.lastModFileDate = buffer.readUInt16LE(14);
        entry.crc32 = buffer.readUInt32LE(16);
        entry.compressedSize = buffer.readUInt32LE(20);
        entry.uncompressedSize = buffer.readUInt32LE(24);
        entry.fileNameLength = buffer.readUInt16LE(28);
        entry.extraFieldLength = buffer.readUInt16LE(30);
        entry.fileCommentLength = buffer.readUInt16LE(32);
        entry.internalFileAttributes = buffer.readUInt16LE(36);
        entry.externalFileAttributes = buffer.readUInt32LE(38);
        entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);
        if (entry.generalPurposeBitFlag & 64) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));
        self.readEntryCursor += 46;
        buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
        readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err2) {
          if (err2) return emitErrorAndAutoClose(self, err2);
          if (self.emittedError) return;
          entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
          var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
          entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
          entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);
          try {
            entry.extraFields = parseExtraFields(entry.extraFieldRaw);
          } catch (err3) {
            return emitErrorAndAutoClose(self, err3);
          }
          if (self.decodeStrings) {
            var isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
            entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
            entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
            var errorMessage2 = validateFileName(entry.fileName);
            if (errorMessage2 != null) return emitErrorAndAutoClose(self, new Error(errorMessage2));
          } else {
            entry.fileComment = entry.fileCommentRaw;
            entry.fileName = entry.fileNameRaw;
          }
          entry.comment = entry.fileComment;
          self.readEntryCursor += buffer.length;
          self.entriesRead += 1;
          for (var i = 0; i < entry.extraFields.length; i++) {
            var extraField = entry.extraFields[i];
            if (extraField.id !== 1) continue;
            var zip64EiefBuffer = extraField.data;
            var index = 0;
            if (entry.uncompressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
              }
              entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.compressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
              }
              entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.relativeOffsetOfLocalHeader === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
              }
              entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            break;
          }
          if (self.validateEntrySizes && entry.compressionMethod === 0) {
            var expectedCompressedSize = entry.uncompressedSize;
            if (entry.isEncrypted()) {
              expectedCompressedSize += 12;
            }
            if (entry.compressedSize !== expectedCompressedSize) {
              var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
              return emitErrorAndAutoClose(self, new Error(msg));
            }
          }
          self.emit("entry", entry);
          if (!self.lazyEntries) self._readEntry();
        });
      });
    };
    ZipFile.prototype.eachEntry = function() {
      const self = this;
      if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
      if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
      self.hasEachEntryBeenCalled = true;
      let pendingResolveReject = null;
      self.on("entry", onEntry);
      self.on("end", onEnd);
      self.on("error", onError);
      function cleanup() {
        self.removeListener("entry", onEntry);
        self.removeListener("end", onEnd);
        self.removeListener("error", onError);
        if (self.autoClose) self.close();
      }
      function onEntry(entry) {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        resolve({ value: entry });
      }
      function onEnd() {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        resolve({ done: true });
      }
      function onError(err) {
        let { reject } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        reject(err);
      }
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const promise = new Promise((resolve, reject) => {
            if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
            pendingResolveReject = { resolve, reject };
          });
          self.readEntry();
          return promise;
        },
        return(value) {
          cleanup();
          return Promise.resolve({ done: true, value });
        },
        throw(value) {
          cleanup();
          return Promise.reject(value);
        }
      };
    };
    ZipFile.prototype.openReadStream = function(entry, options2, callback) {
      var self = this;
      var relativeStart = 0;
      var relativeEnd = entry.compressedSize;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) {
        options2 = {};
      } else {
        if (options2.decodeFileData === false) {
          if (options2.decrypt != null) {
            throw new Error("cannot use options.decrypt when options.decodeFileData === false");
          }
          if (options2.decompress != null) {
            throw new Error("cannot use options.decompress when options.decodeFileData === false");
          }
        } else {
          if (options2.decrypt != null) {
            if (!entry.isEncrypted()) {
              throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
            }
            if (options2.decrypt !== false) throw new Error("invalid options.decrypt value: " + options2.decrypt);
            if (entry.isCompressed()) {
              if (options2.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
            }
          }
          if (options2.decompress != null) {
            if (!entry.isCompressed()) {
              throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
            }
            if (!(options2.decompress === false || options2.decompress === true)) {
              throw new Error("invalid options.decompress value: " + options2.decompress);
            }
            decompress = options2.decompress;
          }
        }
        if (options2.start != null) {
          relativeStart = options2.start;
          if (relativeStart < 0) throw new Error("options.start < 0");
          if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
        }
        if (options2.end != null) {
          relativeEnd = options2.end;
          if (relativeEnd < 0) throw new Error("options.end < 0");
          if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
          if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
        }
      }
      var rawMode = options2.decodeFileData === false || // Explicitly requested raw.
      (entry.compressionMethod === 0 || // Naturally without compression.
      entry.compressionMethod === 8 && options2.decompress === false) && (!entry.isEncrypted() || // Naturally without encryption.
      options2.decrypt === false);
      if (options2.start != null || options2.end != null) {
        if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
      }
      if (!self.isOpen) return callback(new Error("closed"));
      if (entry.isEncrypted() && !rawMode) {
        if (options2.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
      }
      var decompress;
      if (rawMode) {
        decompress = false;
      } else if (entry.compressionMethod === 8) {
        decompress = options2.decodeFileData !== true;
      } else {
        return callback(new Error("unsupported compression method: " + entry.compressionMethod));
      }
      self.readLocalFileHeader(entry, { minimal: true }, function(err, localFileHeader) {
        if (err) return callback(err);
        self.openReadStreamLowLevel(
          localFileHeader.fileDataStart,
          entry.compressedSize,
          relativeStart,
          relativeEnd,
          decompress,
          entry.uncompressedSize,
          callback
        );
      });
    };
    ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, callback) {
      var self = this;
      var fileDataEnd = fileDataStart + compressedSize;
      var readStream = self.reader.createReadStream({
        start: fileDataStart + relativeStart,
        end: fileDataStart + relativeEnd
      });
      var endpointStream = readStream;
      if (decompress) {
        var destroyed = false;
        var inflateFilter = zlib.createInflateRaw();
        readStream.on("error", function(err) {
          setImmediate(function() {
            if (!destroyed) inflateFilter.emit("error", err);
          });
        });
        readStream.pipe(inflateFilter);
        if (self.validateEntrySizes) {
          endpointStream = new AssertByteCountStream(uncompressedSize);
          inflateFilter.on("error", function(err) {
            setImmediate(function() {
              if (!destroyed) endpointStream.emit("error", err);
            });
          });
          inflateFilter.pipe(endpointStream);
        } else {
          endpointStream = inflateFilter;
        }
        installDestroyFn(endpointStream, function() {
          destroyed = true;
          if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
          readStream.unpipe(inflateFilter);
          readStream.destroy();
        });
      }
      callback(null, endpointStream);
    };
    ZipFile.prototype.readLocalFileHeader = function(entry, options2, callback) {
      var self = this;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      self.reader.ref();
      var buffer = newBuffer(30);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err) {
        try {
          if (err) return callback(err);
          var signature = buffer.readUInt32LE(0);
          if (signature !== 67324752) {
            return callback(new Error("invalid local file header signature: 0x" + signature.toString(16)));
          }
          var fileNameLength = buffer.readUInt16LE(26);
          var extraFieldLength = buffer.readUInt16LE(28);
          var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
          if (fileDataStart + entry.compressedSize > self.fileSize) {
            return callback(new Error("file data overflows file bounds: " + fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
          }
          if (options2.minimal) {
            return callback(null, { fileDataStart });
          }
          var localFileHeader = new LocalFileHeader();
          localFileHeader.fileDataStart = fileDataStart;
          localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
          localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
          localFileHeader.compressionMethod = buffer.readUInt16LE(8);
          localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
          localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
          localFileHeader.crc32 = buffer.readUInt32LE(14);
          localFileHeader.compressedSize = buffer.readUInt32LE(18);
          localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
          localFileHeader.fileNameLength = fileNameLength;
          localFileHeader.extraFieldLength = extraFieldLength;
          buffer = newBuffer(fileNameLength + extraFieldLength);
          self.reader.ref();
          readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err2) {
            try {
              if (err2) return callback(err2);
              localFileHeader.fileName = buffer.subarray(0, fileNameLength);
              localFileHeader.extraField = buffer.subarray(fileNameLength);
              return callback(null, localFileHeader);
            } finally {
              self.reader.unref();
            }
          });
        } finally {
          self.reader.unref();
        }
      });
    };
    ZipFile.prototype.openReadStreamPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.openReadStream(entry, options2, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize) {
      return new Promise((resolve, reject) => {
        this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.readLocalFileHeader(entry, options2, function(err, localFileHeader) {
          if (err) return reject(err);
          resolve(localFileHeader);
        });
      });
    };
    function Entry() {
    }
    Entry.prototype.getLastModDate = function(options2) {
      if (options2 == null) options2 = {};
      if (!options2.forceDosFormat) {
        for (var i = 0; i < this.extraFields.length; i++) {
          var extraField = this.extraFields[i];
          if (extraField.id === 21589) {
            var data = extraField.data;
            if (data.length < 5) continue;
            var flags = data[0];
            var HAS_MTIME = 1;
            if (!(flags & HAS_MTIME)) continue;
            var posixTimestamp = data.readInt32LE(1);
            return new Date(posixTimestamp * 1e3);
          } else if (extraField.id === 10) {
            var data = extraField.data;
            if (data.length !== 32) continue;
            if (data.readUInt16LE(4) !== 1) continue;
            if (data.readUInt16LE(6) !== 24) continue;
            var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
            var millisecondsSince1970 = hundredNanoSecondsSince1601 / 1e4 - 116444736e5;
            return new Date(millisecondsSince1970);
          }
        }
      }
      return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options2.timezone);
    };
    Entry.prototype.canDecodeFileData = function() {
      return !this.isEncrypted() && (this.compressionMethod === 0 || this.compressionMethod === 8);
    };
    Entry.prototype.isEncrypted = function() {
      return (this.generalPurposeBitFlag & 1) !== 0;
    };
    Entry.prototype.isCompressed = function() {
      return this.compressionMethod === 8;
    };
    function LocalFileHeader() {
    }
    function dosDateTimeToDate(date, time2, timezone) {
      var day = date & 31;
      var month = (date >> 5 & 15) - 1;
      var year = (date >> 9 & 127) + 1980;
      var millisecond = 0;
      var second = (time2 & 31) * 2;
      var minute = time2 >> 5 & 63;
      var hour = time2 >> 11 & 31;
      if (timezone == null || timezone === "local") {
        return new Date(year, month, day, hour, minute, second, millisecond);
      } else if (timezone === "UTC") {
        return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
      } else {
        throw new Error("unrecognized options.timezone: " + options.timezone);
      }
    }
    function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
      var fileName = null;
      for (var i = 0; i < extraFields.length; i++) {
        var extraField = extraFields[i];
        if (extraField.id === 28789) {
          if (extraField.data.length < 6) {
            continue;
          }
          if (extraField.data.readUInt8(0) !== 1) {
            continue;
          }
          var oldNameCrc32 = extraField.data.readUInt32LE(1);
          if (crc32(fileNameBuffer) !== oldNameCrc32) {
            continue;
          }
          fileName = decodeBuffer(extraField.data.subarray(5), true);
          break;
        }
      }
      if (fileName == null) {
        var isUtf8 = (generalPurposeBitFlag & 2048) !== 0;
        fileName = decodeBuffer(fileNameBuffer, isUtf8);
      }
      if (!strictFileNames) {
        fileName = fileName.replace(/\\/g, "/");
      }
      return fileName;
    }
    function validateFileName(fileName) {
      if (fileName.indexOf("\\") !== -1) {
        return "invalid characters in fileName: " + fileName;
      }
      if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
        return "absolute path: " + fileName;
      }
      if (fileName.split("/").indexOf("..") !== -1) {
        return "invalid relative path: " + fileName;
      }
      return null;
    }
    function parseExtraFields(extraFieldBuffer) {
      var extraFields = [];
      var i = 0;
      while (i < extraFieldBuffer.length - 3) {
        var headerId = extraFieldBuffer.readUInt16LE(i + 0);
        var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
        var dataStart = i + 4;
        var dataEnd = dataStart + dataSize;
        if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
        var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
        extraFields.push({
          id: headerId,
          data: dataBuffer
        });
        i = dataEnd;
      }
      return extraFields;
    }
    function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
      if (length === 0) {
        return setImmediate(function() {
          callback(null, newBuffer(0));
        });
      }
      reader.read(buffer, offset, length, position, function(err, bytesRead) {
        if (err) return callback(err);
        if (bytesRead < length) {
          return callback(new Error("unexpected EOF"));
        }
        callback();
      });
    }
    util.inherits(AssertByteCountStream, Transform2);
    function AssertByteCountStream(byteCount) {
      Transform2.call(this);
      this.actualByteCount = 0;
      this.expectedByteCount = byteCount;
    }
    AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
      this.actualByteCount += chunk.length;
      if (this.actualByteCount > this.expectedByteCount) {
        var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb(null, chunk);
    };
    AssertByteCountStream.prototype._flush = function(cb) {
      if (this.actualByteCount < this.expectedByteCount) {
        var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb();
    };
    util.inherits(RandomAccessReader, EventEmitter);
    function RandomAccessReader() {
      EventEmitter.call(this);
      this.refCount = 0;
    }
    RandomAccessReader.prototype.ref = function() {
      this.refCount += 1;
    };
    RandomAccessReader.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount > 0) return;
      if (self.refCount < 0) throw new Error("invalid unref");
      self.close(onCloseDone);
      function onCloseDone(err) {
        if (err) return self.emit("error", err);
        self.emit("close");
      }
    };
    RandomAccessReader.prototype.createReadStream = function(options2) {
      if (options2 == null) options2 = {};
      var start = options2.start;
      var end = options2.end;
      if (start === end) {
        var emptyStream = new PassThrough();
        setImmediate(function() {
          emptyStream.end();
        });
        return emptyStream;
      }
      var stream = this._readStreamForRange(start, end);
      var destroyed = false;
      var refUnrefFilter = new RefUnrefFilter(this);
      stream.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) refUnrefFilter.emit("error", err);
        });
      });
      installDestroyFn(refUnrefFilter, function() {
        stream.unpipe(refUnrefFilter);
        refUnrefFilter.unref();
        stream.destroy();
      });
      var byteCounter = new AssertByteCountStream(end - start);
      refUnrefFilter.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) byteCounter.emit("error", err);
        });
      });
      installDestroyFn(byteCounter, function() {
        destroyed = true;
        refUnrefFilter.unpipe(byteCounter);
        refUnrefFilter.destroy();
      });
      return stream.pipe(refUnrefFilter).pipe(byteCounter);
    };
    RandomAccessReader.prototype._readStreamForRange = function(start, end) {
      throw new Error("not implemented");
    };
    RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
      var readStream = this.createReadStream({ start: position, end: position + length });
      var writeStream = new Writable();
      var written = 0;
      writeStream._write = function(chunk, encoding, cb) {
        chunk.copy(buffer, offset + written, 0, chunk.length);
        written += chunk.length;
        cb();
      };
      writeStream.on("finish", callback);
      readStream.on("error", function(error) {
        callback(error);
      });
      readStream.pipe(writeStream);
    };
    RandomAccessReader.prototype.close = function(callback) {
      setImmediate(callback);
    };
    util.inherits(RefUnrefFilter, PassThrough);
    function RefUnrefFilter(context) {
      PassThrough.call(this);
      this.context = context;
      this.context.ref();
      this.unreffedYet = false;
    }
    RefUnrefFilter.prototype._flush = function(cb) {
      this.unref();
      cb();
    };
    RefUnrefFilter.prototype.unref = function(cb) {
      if (this.unreffedYet) return;
      this.unreffedYet = true;
      this.context.unref();
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    function decodeBuffer(buffer, isUtf8) {
      if (isUtf8) {
        return buffer.toString("utf8");
      } else {
        var result = "";
        for (var i = 0; i < buffer.length; i++) {
          result += cp437[buffer[i]];
        }
        return result;
      }
    }
    function readUInt64LE(buffer, offset) {
      var lower32 = buffer.readUInt32LE(offset);
      var upper32 = buffer.readUInt32LE(offset + 4);
      return upper32 * 4294967296 + lower32;
    }
    var newBuffer;
    if (typeof Buffer.allocUnsafe === "function") {
      newBuffer = function(len) {
        return Buffer.allocUnsafe(len);
      };
    } else {
      newBuffer = function(len) {
        return new Buffer(len);
      };
    }
    function installDestroyFn(stream, fn) {
      if (typeof stream.destroy === "function") {
        stream._destroy = function(err, cb) {
          fn();
          if (cb != null) cb(err);
        };
      } else {
        stream.destroy = fn;
      }
    }
    function defaultCallback(err) {
      if (err) throw err;
    }
  }
});

// node_modules/busboy/lib/utils.js
var require_utils = __commonJS({
  "node_modules/busboy/lib/utils.js"(exports, module) {
    "use strict";
    function parseContentType(str) {
      if (str.length === 0)
        return;
      const params = /* @__PURE__ */ Object.create(null);
      let i = 0;
      for (; i < str.length; ++i) {
        const code = str.charCodeAt(i);
        if (TOKEN[code] !== 1) {
          if (code !== 47 || i === 0)
            return;
          break;
        }
      }
      if (i === str.length)
        return;
      const type = str.slice(0, i).toLowerCase();
      const subtypeStart = ++i;
      for (; i < str.length; ++i) {
        const code = str.charCodeAt(i);
        if (TOKEN[code] !== 1) {
          if (i === subtypeStart)
            return;
          if (parseContentTypeParams(str, i, params) === void 0)
            return;
          break;
        }
      }
      if (i === subtypeStart)
        return;
      const subtype = str.slice(subtypeStart, i).toLowerCase();
      return { type, subtype, params };
    }
    function parseContentTypeParams(str, i, params) {
      while (i < str.length) {
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          break;
        if (str.charCodeAt(i++) !== 59)
          return;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          return;
        let name;
        const nameStart = i;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (TOKEN[code] !== 1) {
            if (code !== 61)
              return;
            break;
          }
        }
        if (i === str.length)
          return;
        name = str.slice(nameStart, i);
        ++i;
        if (i === str.length)
          return;
        let value = "";
        let valueStart;
        if (str.charCodeAt(i) === 34) {
          valueStart = ++i;
          let escaping = false;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (code === 92) {
              if (escaping) {
                valueStart = i;
                escaping = false;
              } else {
                value += str.slice(valueStart, i);
                escaping = true;
              }
              continue;
            }
            if (code === 34) {
              if (escaping) {
                valueStart = i;
                escaping = false;
                continue;
              }
              value += str.slice(valueStart, i);
              break;
            }
            if (escaping) {
              valueStart = i - 1;
              escaping = false;
            }
            if (QDTEXT[code] !== 1)
              return;
          }
          if (i === str.length)
            return;
          ++i;
        } else {
          valueStart = i;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (TOKEN[code] !== 1) {
              if (i === valueStart)
                return;
              break;
            }
          }
          value = str.slice(valueStart, i);
        }
        name = name.toLowerCase();
        if (params[name] === void 0)
          params[name] = value;
      }
      return params;
    }
    function parseDisposition(str, defDecoder) {
      if (str.length === 0)
        return;
      const params = /* @__PURE__ */ Object.create(null);
      let i = 0;
      for (; i < str.length; ++i) {
        const code = str.charCodeAt(i);
        if (TOKEN[code] !== 1) {
          if (parseDispositionParams(str, i, params, defDecoder) === void 0)
            return;
          break;
        }
      }
      const type = str.slice(0, i).toLowerCase();
      return { type, params };
    }
    function parseDispositionParams(str, i, params, defDecoder) {
      while (i < str.length) {
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          break;
        if (str.charCodeAt(i++) !== 59)
          return;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (code !== 32 && code !== 9)
            break;
        }
        if (i === str.length)
          return;
        let name;
        const nameStart = i;
        for (; i < str.length; ++i) {
          const code = str.charCodeAt(i);
          if (TOKEN[code] !== 1) {
            if (code === 61)
              break;
            return;
          }
        }
        if (i === str.length)
          return;
        let value = "";
        let valueStart;
        let charset;
        name = str.slice(nameStart, i);
        if (name.charCodeAt(name.length - 1) === 42) {
          const charsetStart = ++i;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (CHARSET[code] !== 1) {
              if (code !== 39)
                return;
              break;
            }
          }
          if (i === str.length)
            return;
          charset = str.slice(charsetStart, i);
          ++i;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (code === 39)
              break;
          }
          if (i === str.length)
            return;
          ++i;
          if (i === str.length)
            return;
          valueStart = i;
          let encode = 0;
          for (; i < str.length; ++i) {
            const code = str.charCodeAt(i);
            if (EXTENDED_VALUE[code] !== 1) {
              if (code === 37) {
                let hexUpper;
                let hexLower;
                if (i + 2 < str.length && (hexUpper = HEX_VALUES[str.charCodeAt(i + 1)]) !== -1 && (hexLower = HEX_VALUES[str.charCodeAt(i + 2)]) !== -1) {
                  const byteVal = (hexUpper << 4) + hexLower;
                  value += str.slice(valueStart, i);
                  value += String.fromCharCode(byteVal);
                  i += 2;
                  valueStart = i + 1;
                  if (byteVal >= 128)
                    encode = 2;
                  else if (encode === 0)
                    encode = 1;
                  continue;
                }
                return;
              }
              break;
            }
          }
          value += str.slice(valueStart, i);
          value = convertToUTF8(value, charset, encode);
          if (value === void 0)
            return;
        } else {
          ++i;
          if (i === str.length)
            return;
          if (str.charCodeAt(i) === 34) {
            valueStart = ++i;
            let escaping = false;
            for (; i < str.length; ++i) {
              const code = str.charCodeAt(i);
              if (code === 92) {
                if (escaping) {
                  valueStart = i;
                  escaping = false;
                } else {
                  value += str.slice(valueStart, i);
                  escaping = true;
                }
                continue;
              }
              if (code === 34) {
                if (escaping) {
                  valueStart = i;
                  escaping = false;
                  continue;
                }
                value += str.slice(valueStart, i);
                break;
              }
              if (escaping) {
                valueStart = i - 1;
                escaping = false;
              }
              if (QDTEXT[code] !== 1)
                return;
            }
            if (i === str.length)
              return;
            ++i;
          } else {
            valueStart = i;
            for (; i < str.length; ++i) {
              const code = str.charCodeAt(i);
              if (TOKEN[code] !== 1) {
                if (i === valueStart)
                  return;
                break;
              }
            }
            value = str.slice(valueStart, i);
          }
          value = defDecoder(value, 2);
          if (value === void 0)
            return;
        }
        name = name.toLowerCase();
        if (params[name] === void 0)
          params[name] = value;
      }
      return params;
    }
    function getDecoder(charset) {
      let lc;
      while (true) {
        switch (charset) {
          case "utf-8":
          case "utf8":
            return decoders.utf8;
          case "latin1":
          case "ascii":
          // TODO: Make these a separate, strict decoder?
          case "us-ascii":
          case "iso-8859-1":
          case "iso8859-1":
          case "iso88591":
          case "iso_8859-1":
          case "windows-1252":
          case "iso_8859-1:1987":
          case "cp1252":
          case "x-cp1252":
            return decoders.latin1;
          case "utf16le":
          case "utf-16le":
          case "ucs2":
          case "ucs-2":
            return decoders.utf16le;
          case "base64":
            return decoders.base64;
          default:
            if (lc === void 0) {
              lc = true;
              charset = charset.toLowerCase();
              continue;
            }
            return decoders.other.bind(charset);
        }
      }
    }
    var decoders = {
      utf8: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string") {
          if (hint < 2)
            return data;
          data = Buffer.from(data, "latin1");
        }
        return data.utf8Slice(0, data.length);
      },
      latin1: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          return data;
        return data.latin1Slice(0, data.length);
      },
      utf16le: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          data = Buffer.from(data, "latin1");
        return data.ucs2Slice(0, data.length);
      },
      base64: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          data = Buffer.from(data, "latin1");
        return data.base64Slice(0, data.length);
      },
      other: (data, hint) => {
        if (data.length === 0)
          return "";
        if (typeof data === "string")
          data = Buffer.from(data, "latin1");
        try {
          const decoder = new TextDecoder(exports);
          return decoder.decode(data);
        } catch {
        }
      }
    };
    function convertToUTF8(data, charset, hint) {
      const decode = getDecoder(charset);
      if (decode)
        return decode(data, hint);
    }
    function basename(path18) {
      if (typeof path18 !== "string")
        return "";
      for (let i = path18.length - 1; i >= 0; --i) {
        switch (path18.charCodeAt(i)) {
          case 47:
          // '/'
          case 92:
            path18 = path18.slice(i + 1);
            return path18 === ".." || path18 === "." ? "" : path18;
        }
      }
      return path18 === ".." || path18 === "." ? "" : path18;
    }
    var TOKEN = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      1,
      1,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var QDTEXT = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1
    ];
    var CHARSET = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var EXTENDED_VALUE = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var HEX_VALUES = [
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1
    ];
    module.exports = {
      basename,
      convertToUTF8,
      getDecoder,
      parseContentType,
      parseDisposition
    };
  }
});

// node_modules/streamsearch/lib/sbmh.js
var require_sbmh = __commonJS({
  "node_modules/streamsearch/lib/sbmh.js"(exports, module) {
    "use strict";
    function memcmp(buf1, pos1, buf2, pos2, num) {
      for (let i = 0; i < num; ++i) {
        if (buf1[pos1 + i] !== buf2[pos2 + i])
          return false;
      }
      return true;
    }
    var SBMH = class {
      constructor(needle, cb) {
        if (typeof cb !== "function")
          throw new Error("Missing match callback");
        if (typeof needle === "string")
          needle = Buffer.from(needle);
        else if (!Buffer.isBuffer(needle))
          throw new Error(`Expected Buffer for needle, got ${typeof needle}`);
        const needleLen = needle.length;
        this.maxMatches = Infinity;
        this.matches = 0;
        this._cb = cb;
        this._lookbehindSize = 0;
        this._needle = needle;
        this._bufPos = 0;
        this._lookbehind = Buffer.allocUnsafe(needleLen);
        this._occ = [
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen,
          needleLen
        ];
        if (needleLen > 1) {
          for (let i = 0; i < needleLen - 1; ++i)
            this._occ[needle[i]] = needleLen - 1 - i;
        }
      }
      reset() {
        this.matches = 0;
        this._lookbehindSize = 0;
        this._bufPos = 0;
      }
      push(chunk, pos) {
        let result;
        if (!Buffer.isBuffer(chunk))
          chunk = Buffer.from(chunk, "latin1");
        const chunkLen = chunk.length;
        this._bufPos = pos || 0;
        while (result !== chunkLen && this.matches < this.maxMatches)
          result = feed(this, chunk);
        return result;
      }
      destroy() {
        const lbSize = this._lookbehindSize;
        if (lbSize)
          this._cb(false, this._lookbehind, 0, lbSize, false);
        this.reset();
      }
    };
    function feed(self, data) {
      const len = data.length;
      const needle = self._needle;
      const needleLen = needle.length;
      let pos = -self._lookbehindSize;
      const lastNeedleCharPos = needleLen - 1;
      const lastNeedleChar = needle[lastNeedleCharPos];
      const end = len - needleLen;
      const occ = self._occ;
      const lookbehind = self._lookbehind;
      if (pos < 0) {
        while (pos < 0 && pos <= end) {
          const nextPos = pos + lastNeedleCharPos;
          const ch = nextPos < 0 ? lookbehind[self._lookbehindSize + nextPos] : data[nextPos];
          if (ch === lastNeedleChar && matchNeedle(self, data, pos, lastNeedleCharPos)) {
            self._lookbehindSize = 0;
            ++self.matches;
            if (pos > -self._lookbehindSize)
              self._cb(true, lookbehind, 0, self._lookbehindSize + pos, false);
            else
              self._cb(true, void 0, 0, 0, true);
            return self._bufPos = pos + needleLen;
          }
          pos += occ[ch];
        }
        while (pos < 0 && !matchNeedle(self, data, pos, len - pos))
          ++pos;
        if (pos < 0) {
          const bytesToCutOff = self._lookbehindSize + pos;
          if (bytesToCutOff > 0) {
            self._cb(false, lookbehind, 0, bytesToCutOff, false);
          }
          self._lookbehindSize -= bytesToCutOff;
          lookbehind.copy(lookbehind, 0, bytesToCutOff, self._lookbehindSize);
          lookbehind.set(data, self._lookbehindSize);
          self._lookbehindSize += len;
          self._bufPos = len;
          return len;
        }
        self._cb(false, lookbehind, 0, self._lookbehindSize, false);
        self._lookbehindSize = 0;
      }
      pos += self._bufPos;
      const firstNeedleChar = needle[0];
      while (pos <= end) {
        const ch = data[pos + lastNeedleCharPos];
        if (ch === lastNeedleChar && data[pos] === firstNeedleChar && memcmp(needle, 0, data, pos, lastNeedleCharPos)) {
          ++self.matches;
          if (pos > 0)
            self._cb(true, data, self._bufPos, pos, true);
          else
            self._cb(true, void 0, 0, 0, true);
          return self._bufPos = pos + needleLen;
        }
        pos += occ[ch];
      }
      while (pos < len) {
        if (data[pos] !== firstNeedleChar || !memcmp(data, pos, needle, 0, len - pos)) {
          ++pos;
          continue;
        }
        data.copy(lookbehind, 0, pos, len);
        self._lookbehindSize = len - pos;
        break;
      }
      if (pos > 0)
        self._cb(false, data, self._bufPos, pos < len ? pos : len, true);
      self._bufPos = len;
      return len;
    }
    function matchNeedle(self, data, pos, len) {
      const lb = self._lookbehind;
      const lbSize = self._lookbehindSize;
      const needle = self._needle;
      for (let i = 0; i < len; ++i, ++pos) {
        const ch = pos < 0 ? lb[lbSize + pos] : data[pos];
        if (ch !== needle[i])
          return false;
      }
      return true;
    }
    module.exports = SBMH;
  }
});

// node_modules/busboy/lib/types/multipart.js
var require_multipart = __commonJS({
  "node_modules/busboy/lib/types/multipart.js"(exports, module) {
    "use strict";
    var { Readable: Readable2, Writable } = __require("stream");
    var StreamSearch = require_sbmh();
    var {
      basename,
      convertToUTF8,
      getDecoder,
      parseContentType,
      parseDisposition
    } = require_utils();
    var BUF_CRLF = Buffer.from("\r\n");
    var BUF_CR = Buffer.from("\r");
    var BUF_DASH = Buffer.from("-");
    function noop() {
    }
    var MAX_HEADER_PAIRS = 2e3;
    var MAX_HEADER_SIZE = 16 * 1024;
    var HPARSER_NAME = 0;
    var HPARSER_PRE_OWS = 1;
    var HPARSER_VALUE = 2;
    var HeaderParser = class {
      constructor(cb) {
        this.header = /* @__PURE__ */ Object.create(null);
        this.pairCount = 0;
        this.byteCount = 0;
        this.state = HPARSER_NAME;
        this.name = "";
        this.value = "";
        this.crlf = 0;
        this.cb = cb;
      }
      reset() {
        this.header = /* @__PURE__ */ Object.create(null);
        this.pairCount = 0;
        this.byteCount = 0;
        this.state = HPARSER_NAME;
        this.name = "";
        this.value = "";
        this.crlf = 0;
      }
      push(chunk, pos, end) {
        let start = pos;
        while (pos < end) {
          switch (this.state) {
            case HPARSER_NAME: {
              let done = false;
              for (; pos < end; ++pos) {
                if (this.byteCount === MAX_HEADER_SIZE)
                  return -1;
                ++this.byteCount;
                const code = chunk[pos];
                if (TOKEN[code] !== 1) {
                  if (code !== 58)
                    return -1;
                  this.name += chunk.latin1Slice(start, pos);
                  if (this.name.length === 0)
                    return -1;
                  ++pos;
                  done = true;
                  this.state = HPARSER_PRE_OWS;
                  break;
                }
              }
              if (!done) {
                this.name += chunk.latin1Slice(start, pos);
                break;
              }
            }
            case HPARSER_PRE_OWS: {
              let done = false;
              for (; pos < end; ++pos) {
                if (this.byteCount === MAX_HEADER_SIZE)
                  return -1;
                ++this.byteCount;
                const code = chunk[pos];
                if (code !== 32 && code !== 9) {
                  start = pos;
                  done = true;
                  this.state = HPARSER_VALUE;
                  break;
                }
              }
              if (!done)
                break;
            }
            case HPARSER_VALUE:
              switch (this.crlf) {
                case 0:
                  for (; pos < end; ++pos) {
                    if (this.byteCount === MAX_HEADER_SIZE)
                      return -1;
                    ++this.byteCount;
                    const code = chunk[pos];
                    if (FIELD_VCHAR[code] !== 1) {
                      if (code !== 13)
                        return -1;
                      ++this.crlf;
                      break;
                    }
                  }
                  this.value += chunk.latin1Slice(start, pos++);
                  break;
                case 1:
                  if (this.byteCount === MAX_HEADER_SIZE)
                    return -1;
                  ++this.byteCount;
                  if (chunk[pos++] !== 10)
                    return -1;
                  ++this.crlf;
                  break;
                case 2: {
                  if (this.byteCount === MAX_HEADER_SIZE)
                    return -1;
                  ++this.byteCount;
                  const code = chunk[pos];
                  if (code === 32 || code === 9) {
                    start = pos;
                    this.crlf = 0;
                  } else {
                    if (++this.pairCount < MAX_HEADER_PAIRS) {
                      this.name = this.name.toLowerCase();
                      if (this.header[this.name] === void 0)
                        this.header[this.name] = [this.value];
                      else
                        this.header[this.name].push(this.value);
                    }
                    if (code === 13) {
                      ++this.crlf;
                      ++pos;
                    } else {
                      start = pos;
                      this.crlf = 0;
                      this.state = HPARSER_NAME;
                      this.name = "";
                      this.value = "";
                    }
                  }
                  break;
                }
                case 3: {
                  if (this.byteCount === MAX_HEADER_SIZE)
                    return -1;
                  ++this.byteCount;
                  if (chunk[pos++] !== 10)
                    return -1;
                  const header = this.header;
                  this.reset();
                  this.cb(header);
                  return pos;
                }
              }
              break;
          }
        }
        return pos;
      }
    };
    var FileStream = class extends Readable2 {
      constructor(opts, owner) {
        super(opts);
        this.truncated = false;
        this._readcb = null;
        this.once("end", () => {
          this._read();
          if (--owner._fileEndsLeft === 0 && owner._finalcb) {
            const cb = owner._finalcb;
            owner._finalcb = null;
            process.nextTick(cb);
          }
        });
      }
      _read(n2) {
        const cb = this._readcb;
        if (cb) {
          this._readcb = null;
          cb();
        }
      }
    };
    var ignoreData = {
      push: (chunk, pos) => {
      },
      destroy: () => {
      }
    };
    function callAndUnsetCb(self, err) {
      const cb = self._writecb;
      self._writecb = null;
      if (err)
        self.destroy(err);
      else if (cb)
        cb();
    }
    function nullDecoder(val, hint) {
      return val;
    }
    var Multipart = class extends Writable {
      constructor(cfg) {
        const streamOpts = {
          autoDestroy: true,
          emitClose: true,
          highWaterMark: typeof cfg.highWaterMark === "number" ? cfg.highWaterMark : void 0
        };
        super(streamOpts);
        if (!cfg.conType.params || typeof cfg.conType.params.boundary !== "string")
          throw new Error("Multipart: Boundary not found");
        const boundary = cfg.conType.params.boundary;
        const paramDecoder = typeof cfg.defParamCharset === "string" && cfg.defParamCharset ? getDecoder(cfg.defParamCharset) : nullDecoder;
        const defCharset = cfg.defCharset || "utf8";
        const preservePath = cfg.preservePath;
        const fileOpts = {
          autoDestroy: true,
          emitClose: true,
          highWaterMark: typeof cfg.fileHwm === "number" ? cfg.fileHwm : void 0
        };
        const limits = cfg.limits;
        const fieldSizeLimit = limits && typeof limits.fieldSize === "number" ? limits.fieldSize : 1 * 1024 * 1024;
        const fileSizeLimit = limits && typeof limits.fileSize === "number" ? limits.fileSize : Infinity;
        const filesLimit = limits && typeof limits.files === "number" ? limits.files : Infinity;
        const fieldsLimit = limits && typeof limits.fields === "number" ? limits.fields : Infinity;
        const partsLimit = limits && typeof limits.parts === "number" ? limits.parts : Infinity;
        let parts = -1;
        let fields = 0;
        let files = 0;
        let skipPart = false;
        this._fileEndsLeft = 0;
        this._fileStream = void 0;
        this._complete = false;
        let fileSize = 0;
        let field;
        let fieldSize = 0;
        let partCharset;
        let partEncoding;
        let partType;
        let partName;
        let partTruncated = false;
        let hitFilesLimit = false;
        let hitFieldsLimit = false;
        this._hparser = null;
        const hparser = new HeaderParser((header) => {
          this._hparser = null;
          skipPart = false;
          partType = "text/plain";
          partCharset = defCharset;
          partEncoding = "7bit";
          partName = void 0;
          partTruncated = false;
          let filename;
          if (!header["content-disposition"]) {
            skipPart = true;
            return;
          }
          const disp = parseDisposition(
            header["content-disposition"][0],
            paramDecoder
          );
          if (!disp || disp.type !== "form-data") {
            skipPart = true;
            return;
          }
          if (disp.params) {
            if (disp.params.name)
              partName = disp.params.name;
            if (disp.params["filename*"])
              filename = disp.params["filename*"];
            else if (disp.params.filename)
              filename = disp.params.filename;
            if (filename !== void 0 && !preservePath)
              filename = basename(filename);
          }
          if (header["content-type"]) {
            const conType = parseContentType(header["content-type"][0]);
            if (conType) {
              partType = `${conType.type}/${conType.subtype}`;
              if (conType.params && typeof conType.params.charset === "string")
                partCharset = conType.params.charset.toLowerCase();
            }
          }
          if (header["content-transfer-encoding"])
            partEncoding = header["content-transfer-encoding"][0].toLowerCase();
          if (partType === "application/octet-stream" || filename !== void 0) {
            if (files === filesLimit) {
              if (!hitFilesLimit) {
                hitFilesLimit = true;
                this.emit("filesLimit");
              }
              skipPart = true;
              return;
            }
            ++files;
            if (this.listenerCount("file") === 0) {
              skipPart = true;
              return;
            }
            fileSize = 0;
            this._fileStream = new FileStream(fileOpts, this);
            ++this._fileEndsLeft;
            this.emit(
              "file",
              partName,
              this._fileStream,
              {
                filename,
                encoding: partEncoding,
                mimeType: partType
              }
            );
          } else {
            if (fields === fieldsLimit) {
              if (!hitFieldsLimit) {
                hitFieldsLimit = true;
                this.emit("fieldsLimit");
              }
              skipPart = true;
              return;
            }
            ++fields;
            if (this.listenerCount("field") === 0) {
              skipPart = true;
              return;
            }
            field = [];
            fieldSize = 0;
          }
        });
        let matchPostBoundary = 0;
        const ssCb = (isMatch, data, start, end, isDataSafe) => {
          retrydata:
            while (data) {
              if (this._hparser !== null) {
                const ret = this._hparser.push(data, start, end);
                if (ret === -1) {
                  this._hparser = null;
                  hparser.reset();
                  this.emit("error", new Error("Malformed part header"));
                  break;
                }
                start = ret;
              }
              if (start === end)
                break;
              if (matchPostBoundary !== 0) {
                if (matchPostBoundary === 1) {
                  switch (data[start]) {
                    case 45:
                      matchPostBoundary = 2;
                      ++start;
                      break;
                    case 13:
                      matchPostBoundary = 3;
                      ++start;
                      break;
                    default:
                      matchPostBoundary = 0;
                  }
                  if (start === end)
                    return;
                }
                if (matchPostBoundary === 2) {
                  matchPostBoundary = 0;
                  if (data[start] === 45) {
                    this._complete = true;
                    this._bparser = ignoreData;
                    return;
                  }
                  const writecb = this._writecb;
                  this._writecb = noop;
                  ssCb(false, BUF_DASH, 0, 1, false);
                  this._writecb = writecb;
                } else if (matchPostBoundary === 3) {
                  matchPostBoundary = 0;
                  if (data[start] === 10) {
                    ++start;
                    if (parts >= partsLimit)
                      break;
                    this._hparser = hparser;
                    if (start === end)
                      break;
                    continue retrydata;
                  } else {
                    const writecb = this._writecb;
                    this._writecb = noop;
                    ssCb(false, BUF_CR, 0, 1, false);
                    this._writecb = writecb;
                  }
                }
              }
              if (!skipPart) {
                if (this._fileStream) {
                  let chunk;
                  const actualLen = Math.min(end - start, fileSizeLimit - fileSize);
                  if (!isDataSafe) {
                    chunk = Buffer.allocUnsafe(actualLen);
                    data.copy(chunk, 0, start, start + actualLen);
                  } else {
                    chunk = data.slice(start, start + actualLen);
                  }
                  fileSize += chunk.length;
                  if (fileSize === fileSizeLimit) {
                    if (chunk.length > 0)
                      this._fileStream.push(chunk);
                    this._fileStream.emit("limit");
                    this._fileStream.truncated = true;
                    skipPart = true;
                  } else if (!this._fileStream.push(chunk)) {
                    if (this._writecb)
                      this._fileStream._readcb = this._writecb;
                    this._writecb = null;
                  }
                } else if (field !== void 0) {
                  let chunk;
                  const actualLen = Math.min(
                    end - start,
                    fieldSizeLimit - fieldSize
                  );
                  if (!isDataSafe) {
                    chunk = Buffer.allocUnsafe(actualLen);
                    data.copy(chunk, 0, start, start + actualLen);
                  } else {
                    chunk = data.slice(start, start + actualLen);
                  }
                  fieldSize += actualLen;
                  field.push(chunk);
                  if (fieldSize === fieldSizeLimit) {
                    skipPart = true;
                    partTruncated = true;
                  }
                }
              }
              break;
            }
          if (isMatch) {
            matchPostBoundary = 1;
            if (this._fileStream) {
              this._fileStream.push(null);
              this._fileStream = null;
            } else if (field !== void 0) {
              let data2;
              switch (field.length) {
                case 0:
                  data2 = "";
                  break;
                case 1:
                  data2 = convertToUTF8(field[0], partCharset, 0);
                  break;
                default:
                  data2 = convertToUTF8(
                    Buffer.concat(field, fieldSize),
                    partCharset,
                    0
                  );
              }
              field = void 0;
              fieldSize = 0;
              this.emit(
                "field",
                partName,
                data2,
                {
                  nameTruncated: false,
                  valueTruncated: partTruncated,
                  encoding: partEncoding,
                  mimeType: partType
                }
              );
            }
            if (++parts === partsLimit)
              this.emit("partsLimit");
          }
        };
        this._bparser = new StreamSearch(`\r
--${boundary}`, ssCb);
        this._writecb = null;
        this._finalcb = null;
        this.write(BUF_CRLF);
      }
      static detect(conType) {
        return conType.type === "multipart" && conType.subtype === "form-data";
      }
      _write(chunk, enc, cb) {
        this._writecb = cb;
        this._bparser.push(chunk, 0);
        if (this._writecb)
          callAndUnsetCb(this);
      }
      _destroy(err, cb) {
        this._hparser = null;
        this._bparser = ignoreData;
        if (!err)
          err = checkEndState(this);
        const fileStream = this._fileStream;
        if (fileStream) {
          this._fileStream = null;
          fileStream.destroy(err);
        }
        cb(err);
      }
      _final(cb) {
        this._bparser.destroy();
        if (!this._complete)
          return cb(new Error("Unexpected end of form"));
        if (this._fileEndsLeft)
          this._finalcb = finalcb.bind(null, this, cb);
        else
          finalcb(this, cb);
      }
    };
    function finalcb(self, cb, err) {
      if (err)
        return cb(err);
      err = checkEndState(self);
      cb(err);
    }
    function checkEndState(self) {
      if (self._hparser)
        return new Error("Malformed part header");
      const fileStream = self._fileStream;
      if (fileStream) {
        self._fileStream = null;
        fileStream.destroy(new Error("Unexpected end of file"));
      }
      if (!self._complete)
        return new Error("Unexpected end of form");
    }
    var TOKEN = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      1,
      1,
      0,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0
    ];
    var FIELD_VCHAR = [
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1
    ];
    module.exports = Multipart;
  }
});

// node_modules/busboy/lib/types/urlencoded.js
var require_urlencoded = __commonJS({
  "node_modules/busboy/lib/types/urlencoded.js"(exports, module) {
    "use strict";
    var { Writable } = __require("stream");
    var { getDecoder } = require_utils();
    var URLEncoded = class extends Writable {
      constructor(cfg) {
        const streamOpts = {
          autoDestroy: true,
          emitClose: true,
          highWaterMark: typeof cfg.highWaterMark === "number" ? cfg.highWaterMark : void 0
        };
        super(streamOpts);
        let charset = cfg.defCharset || "utf8";
        if (cfg.conType.params && typeof cfg.conType.params.charset === "string")
          charset = cfg.conType.params.charset;
        this.charset = charset;
        const limits = cfg.limits;
        this.fieldSizeLimit = limits && typeof limits.fieldSize === "number" ? limits.fieldSize : 1 * 1024 * 1024;
        this.fieldsLimit = limits && typeof limits.fields === "number" ? limits.fields : Infinity;
        this.fieldNameSizeLimit = limits && typeof limits.fieldNameSize === "number" ? limits.fieldNameSize : 100;
        this._inKey = true;
        this._keyTrunc = false;
        this._valTrunc = false;
        this._bytesKey = 0;
        this._bytesVal = 0;
        this._fields = 0;
        this._key = "";
        this._val = "";
        this._byte = -2;
        this._lastPos = 0;
        this._encode = 0;
        this._decoder = getDecoder(charset);
      }
      static detect(conType) {
        return conType.type === "application" && conType.subtype === "x-www-form-urlencoded";
      }
      _write(chunk, enc, cb) {
        if (this._fields >= this.fieldsLimit)
          return cb();
        let i = 0;
        const len = chunk.length;
        this._lastPos = 0;
        if (this._byte !== -2) {
          i = readPctEnc(this, chunk, i, len);
          if (i === -1)
            return cb(new Error("Malformed urlencoded form"));
          if (i >= len)
            return cb();
          if (this._inKey)
            ++this._bytesKey;
          else
            ++this._bytesVal;
        }
        main:
          while (i < len) {
            if (this._inKey) {
              i = skipKeyBytes(this, chunk, i, len);
              while (i < len) {
                switch (chunk[i]) {
                  case 61:
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = ++i;
                    this._key = this._decoder(this._key, this._encode);
                    this._encode = 0;
                    this._inKey = false;
                    continue main;
                  case 38:
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = ++i;
                    this._key = this._decoder(this._key, this._encode);
                    this._encode = 0;
                    if (this._bytesKey > 0) {
                      this.emit(
                        "field",
                        this._key,
                        "",
                        {
                          nameTruncated: this._keyTrunc,
                          valueTruncated: false,
                          encoding: this.charset,
                          mimeType: "text/plain"
                        }
                      );
                    }
                    this._key = "";
                    this._val = "";
                    this._keyTrunc = false;
                    this._valTrunc = false;
                    this._bytesKey = 0;
                    this._bytesVal = 0;
                    if (++this._fields >= this.fieldsLimit) {
                      this.emit("fieldsLimit");
                      return cb();
                    }
                    continue;
                  case 43:
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._key += " ";
                    this._lastPos = i + 1;
                    break;
                  case 37:
                    if (this._encode === 0)
                      this._encode = 1;
                    if (this._lastPos < i)
                      this._key += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = i + 1;
                    this._byte = -1;
                    i = readPctEnc(this, chunk, i + 1, len);
                    if (i === -1)
                      return cb(new Error("Malformed urlencoded form"));
                    if (i >= len)
                      return cb();
                    ++this._bytesKey;
                    i = skipKeyBytes(this, chunk, i, len);
                    continue;
                }
                ++i;
                ++this._bytesKey;
                i = skipKeyBytes(this, chunk, i, len);
              }
              if (this._lastPos < i)
                this._key += chunk.latin1Slice(this._lastPos, i);
            } else {
              i = skipValBytes(this, chunk, i, len);
              while (i < len) {
                switch (chunk[i]) {
                  case 38:
                    if (this._lastPos < i)
                      this._val += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = ++i;
                    this._inKey = true;
                    this._val = this._decoder(this._val, this._encode);
                    this._encode = 0;
                    if (this._bytesKey > 0 || this._bytesVal > 0) {
                      this.emit(
                        "field",
                        this._key,
                        this._val,
                        {
                          nameTruncated: this._keyTrunc,
                          valueTruncated: this._valTrunc,
                          encoding: this.charset,
                          mimeType: "text/plain"
                        }
                      );
                    }
                    this._key = "";
                    this._val = "";
                    this._keyTrunc = false;
                    this._valTrunc = false;
                    this._bytesKey = 0;
                    this._bytesVal = 0;
                    if (++this._fields >= this.fieldsLimit) {
                      this.emit("fieldsLimit");
                      return cb();
                    }
                    continue main;
                  case 43:
                    if (this._lastPos < i)
                      this._val += chunk.latin1Slice(this._lastPos, i);
                    this._val += " ";
                    this._lastPos = i + 1;
                    break;
                  case 37:
                    if (this._encode === 0)
                      this._encode = 1;
                    if (this._lastPos < i)
                      this._val += chunk.latin1Slice(this._lastPos, i);
                    this._lastPos = i + 1;
                    this._byte = -1;
                    i = readPctEnc(this, chunk, i + 1, len);
                    if (i === -1)
                      return cb(new Error("Malformed urlencoded form"));
                    if (i >= len)
                      return cb();
                    ++this._bytesVal;
                    i = skipValBytes(this, chunk, i, len);
                    continue;
                }
                ++i;
                ++this._bytesVal;
                i = skipValBytes(this, chunk, i, len);
              }
              if (this._lastPos < i)
                this._val += chunk.latin1Slice(this._lastPos, i);
            }
          }
        cb();
      }
      _final(cb) {
        if (this._byte !== -2)
          return cb(new Error("Malformed urlencoded form"));
        if (!this._inKey || this._bytesKey > 0 || this._bytesVal > 0) {
          if (this._inKey)
            this._key = this._decoder(this._key, this._encode);
          else
            this._val = this._decoder(this._val, this._encode);
          this.emit(
            "field",
            this._key,
            this._val,
            {
              nameTruncated: this._keyTrunc,
              valueTruncated: this._valTrunc,
              encoding: this.charset,
              mimeType: "text/plain"
            }
          );
        }
        cb();
      }
    };
    function readPctEnc(self, chunk, pos, len) {
      if (pos >= len)
        return len;
      if (self._byte === -1) {
        const hexUpper = HEX_VALUES[chunk[pos++]];
        if (hexUpper === -1)
          return -1;
        if (hexUpper >= 8)
          self._encode = 2;
        if (pos < len) {
          const hexLower = HEX_VALUES[chunk[pos++]];
          if (hexLower === -1)
            return -1;
          if (self._inKey)
            self._key += String.fromCharCode((hexUpper << 4) + hexLower);
          else
            self._val += String.fromCharCode((hexUpper << 4) + hexLower);
          self._byte = -2;
          self._lastPos = pos;
        } else {
          self._byte = hexUpper;
        }
      } else {
        const hexLower = HEX_VALUES[chunk[pos++]];
        if (hexLower === -1)
          return -1;
        if (self._inKey)
          self._key += String.fromCharCode((self._byte << 4) + hexLower);
        else
          self._val += String.fromCharCode((self._byte << 4) + hexLower);
        self._byte = -2;
        self._lastPos = pos;
      }
      return pos;
    }
    function skipKeyBytes(self, chunk, pos, len) {
      if (self._bytesKey > self.fieldNameSizeLimit) {
        if (!self._keyTrunc) {
          if (self._lastPos < pos)
            self._key += chunk.latin1Slice(self._lastPos, pos - 1);
        }
        self._keyTrunc = true;
        for (; pos < len; ++pos) {
          const code = chunk[pos];
          if (code === 61 || code === 38)
            break;
          ++self._bytesKey;
        }
        self._lastPos = pos;
      }
      return pos;
    }
    function skipValBytes(self, chunk, pos, len) {
      if (self._bytesVal > self.fieldSizeLimit) {
        if (!self._valTrunc) {
          if (self._lastPos < pos)
            self._val += chunk.latin1Slice(self._lastPos, pos - 1);
        }
        self._valTrunc = true;
        for (; pos < len; ++pos) {
          if (chunk[pos] === 38)
            break;
          ++self._bytesVal;
        }
        self._lastPos = pos;
      }
      return pos;
    }
    var HEX_VALUES = [
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      10,
      11,
      12,
      13,
      14,
      15,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1
    ];
    module.exports = URLEncoded;
  }
});

// node_modules/busboy/lib/index.js
var require_lib = __commonJS({
  "node_modules/busboy/lib/index.js"(exports, module) {
    "use strict";
    var { parseContentType } = require_utils();
    function getInstance(cfg) {
      const headers = cfg.headers;
      const conType = parseContentType(headers["content-type"]);
      if (!conType)
        throw new Error("Malformed content type");
      for (const type of TYPES2) {
        const matched = type.detect(conType);
        if (!matched)
          continue;
        const instanceCfg = {
          limits: cfg.limits,
          headers,
          conType,
          highWaterMark: void 0,
          fileHwm: void 0,
          defCharset: void 0,
          defParamCharset: void 0,
          preservePath: false
        };
        if (cfg.highWaterMark)
          instanceCfg.highWaterMark = cfg.highWaterMark;
        if (cfg.fileHwm)
          instanceCfg.fileHwm = cfg.fileHwm;
        instanceCfg.defCharset = cfg.defCharset;
        instanceCfg.defParamCharset = cfg.defParamCharset;
        instanceCfg.preservePath = cfg.preservePath;
        return new type(instanceCfg);
      }
      throw new Error(`Unsupported content type: ${headers["content-type"]}`);
    }
    var TYPES2 = [
      require_multipart(),
      require_urlencoded()
    ].filter(function(typemod) {
      return typeof typemod.detect === "function";
    });
    module.exports = (cfg) => {
      if (typeof cfg !== "object" || cfg === null)
        cfg = {};
      if (typeof cfg.headers !== "object" || cfg.headers === null || typeof cfg.headers["content-type"] !== "string") {
        throw new Error("Missing Content-Type");
      }
      return getInstance(cfg);
    };
  }
});

// src/cli/serve.ts
import path17 from "node:path";

// src/server/auth.ts
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFile, appendFile } from "node:fs/promises";

// src/server/http.ts
var HttpError = class extends Error {
  constructor(status, code, message, problems, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.problems = problems;
    this.headers = headers;
  }
  status;
  code;
  problems;
  headers;
};
var badRequest = (problems, what = "The request is invalid") => new HttpError(400, "INVALID_REQUEST", `${what}:
${problems.map((p2) => `  - ${p2}`).join("\n")}`, problems);
var notFound = (what) => new HttpError(404, "NOT_FOUND", `${what} does not exist.`);
function sendJson(res, status, body, headers = {}) {
  const text3 = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text3),
    "cache-control": "no-store",
    ...headers
  });
  res.end(text3);
}
function sendError(res, e2) {
  const error = { code: e2.code, message: e2.message };
  if (e2.problems) error.problems = e2.problems;
  sendJson(res, e2.status, { error }, e2.headers);
}
async function readBody(req, limit) {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) throw tooLarge(limit);
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
function tooLarge(limit) {
  return new HttpError(
    413,
    "TOO_LARGE",
    `The request body is larger than this server accepts (${(limit / 1024 / 1024).toFixed(0)} MB). Ship fewer or smaller files, or start the server with a higher --max-upload.`
  );
}
async function readJson(req, limit = 1024 * 1024) {
  const type = String(req.headers["content-type"] ?? "");
  if (type && !/^application\/json\b/i.test(type))
    throw badRequest([`content-type: ${type} is not application/json`]);
  const text3 = (await readBody(req, limit)).toString("utf8");
  try {
    return JSON.parse(text3);
  } catch (e2) {
    throw badRequest([`body: not JSON (${e2.message})`]);
  }
}
function intParam(url, name, fallback, [min, max]) {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n2 = Number(raw);
  if (!Number.isInteger(n2) || n2 < min || n2 > max)
    throw badRequest([`${name}: "${raw}" is not an integer from ${min} to ${max}`]);
  return n2;
}

// src/server/auth.ts
var sha256 = (text3) => createHash("sha256").update(text3, "utf8").digest();
var LINE = /^([A-Za-z0-9._@-]{1,64})\s+sha256:([0-9a-f]{64})(?:\s+(admin))?$/;
var Tokens = class _Tokens {
  constructor(entries) {
    this.entries = entries;
  }
  entries;
  static async load(file) {
    let text3;
    try {
      text3 = await readFile(file, "utf8");
    } catch (e2) {
      throw new AtqError(
        "FILE_ACCESS",
        `Cannot read the tokens file ${file}: ${e2.message}. Create it with: atq serve --tokens FILE --add-token NAME`,
        { file }
      );
    }
    const entries = [];
    const problems = [];
    text3.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith("#")) return;
      const m2 = LINE.exec(line);
      if (m2) entries.push({ name: m2[1], hash: Buffer.from(m2[2], "hex"), admin: !!m2[3] });
      else problems.push(`line ${i + 1}: not "NAME sha256:HEX [admin]" (write entries with --add-token)`);
    });
    if (problems.length || !entries.length)
      throw new AtqError(
        "CONFIG_INVALID",
        `The tokens file ${file} cannot be used:
  - ${(problems.length ? problems : ["it holds no token"]).join("\n  - ")}`,
        { file, problems }
      );
    return new _Tokens(entries);
  }
  /** The name of the token's owner, or undefined. */
  check(token) {
    const hash = sha256(token);
    let found;
    for (const e2 of this.entries) if (timingSafeEqual(e2.hash, hash) && found === void 0) found = e2.name;
    return found;
  }
  /** Whether any token of that name is an admin token (a name's tokens share what they own). */
  isAdmin(name) {
    return this.entries.some((e2) => e2.name === name && e2.admin);
  }
};
async function addToken(file, name, admin = false) {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name))
    throw new AtqError(
      "CONFIG_INVALID",
      `"${name}" is not a token name: use letters, digits, . _ @ - (up to 64)`
    );
  const token = `atq_${randomBytes(24).toString("base64url")}`;
  await appendFile(file, `${name} sha256:${sha256(token).toString("hex")}${admin ? " admin" : ""}
`, {
    mode: 384
  });
  return token;
}
function presentedToken(req) {
  const header = req.headers.authorization ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    return decoded.slice(decoded.indexOf(":") + 1) || void 0;
  }
  return void 0;
}
function mayActFor(caller, owner, tokens) {
  return caller === owner || !tokens || tokens.isAdmin(caller);
}
function authorise(req, tokens, browser) {
  if (!tokens) return "local";
  const token = presentedToken(req);
  const name = token === void 0 ? void 0 : tokens.check(token);
  if (name) return name;
  throw new HttpError(401, "UNAUTHORIZED", unauthorisedMessage(token !== void 0, browser), void 0, {
    "www-authenticate": browser ? 'Basic realm="atq", charset="UTF-8"' : 'Bearer realm="atq"'
  });
}
function unauthorisedMessage(tokenGiven, browser) {
  const how = browser ? `In the browser's sign-in prompt give any user name and your token as the password; other clients send the header "Authorization: Bearer <token>" (atq run --token, or ATQ_TOKEN).` : 'Send the header "Authorization: Bearer <token>" (atq run --token, or ATQ_TOKEN); in a browser, give any user name and the token as the password.';
  return tokenGiven ? `The token is not valid on this server: check it, or ask the server's operator for one (atq serve --add-token NAME). ${how}` : `${browser ? "This page" : "This server"} needs a token. ${how} The server's operator gives them out (atq serve --add-token NAME).`;
}

// src/server/context.ts
var SERVER_DEFAULTS = {
  host: "127.0.0.1",
  port: 8480,
  concurrency: 1,
  maxUploadBytes: 100 * 1024 * 1024,
  maxEntries: 5e3,
  maxExtractedBytes: 500 * 1024 * 1024,
  maxQueuedPerToken: 20,
  allowNetworks: [],
  limits: {
    maxWorkers: 50,
    maxTimeoutMs: 2 * 36e5,
    maxDelayMs: 10 * 6e4,
    maxBundleBytes: 100 * 1024 * 1024,
    maxResultBytes: 2 * 1024 ** 3,
    maxStoredBytesPerToken: 5 * 1024 ** 3,
    allowImages: [],
    allowMonitors: [],
    taskCpus: 2,
    taskMemoryBytes: 2 * 1024 ** 3,
    keepResultsMs: 30 * 864e5
  },
  maxConnections: 256,
  headersTimeoutMs: 2e4,
  // An upload of --max-upload at 200 KB/s; a client slower than that is holding a connection, not uploading.
  requestTimeoutMs: 10 * 6e4
};

// src/server/server.ts
import { readFile as readFile5 } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import path16 from "node:path";

// src/server/files.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir as readdir2, readFile as readFile2, rename as rename2, rm as rm2, writeFile } from "node:fs/promises";
import path2 from "node:path";

// src/server/archive.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
var import_yauzl = __toESM(require_yauzl(), 1);
import { chmod, mkdir, mkdtemp, open, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
var Stop = class extends Error {
};
var MAX_SEGMENT_BYTES = 255;
var MAX_PATH_BYTES = 1024;
var MAX_LISTED = 50;
async function extractArchive(data, dest, limits) {
  const read = readerFor(data);
  await ensureEmpty(dest);
  const tmp = await makeTemp(dest);
  try {
    const x = new Extraction(tmp, limits);
    await x.run(() => read(data, x));
    await rename(tmp, dest);
    return x.files.sort((a, b2) => a.path < b2.path ? -1 : a.path > b2.path ? 1 : 0);
  } catch (e2) {
    await rm(tmp, { recursive: true, force: true });
    if (isAtqError(e2)) throw e2;
    throw fileAccessError(
      e2,
      "extract the uploaded archive",
      "Check the free space and permissions of the data folder."
    );
  }
}
function readerFor(data) {
  const head = data.subarray(0, 4);
  if (head.equals(Buffer.from("PK", "latin1")) || head.equals(Buffer.from("PK", "latin1")))
    return readZip;
  if (head[0] === 31 && head[1] === 139) return readTarGz;
  const seen = data.length ? `it starts with the bytes ${head.toString("hex").replace(/(..)(?!$)/g, "$1 ")}` : "it is empty";
  const problem = `the upload is neither a zip nor a tar.gz archive (${seen})`;
  throw new AtqError(
    "UPLOAD_INVALID",
    `Cannot accept the upload: ${problem}. Pack the test files as .zip or .tar.gz.`,
    {
      problems: [problem]
    }
  );
}
async function ensureEmpty(dest) {
  const entries = await readdir(dest).catch((e2) => {
    if (e2.code === "ENOENT") return [];
    throw fileAccessError(e2, "read the folder for the upload");
  });
  if (entries.length)
    throw new AtqError(
      "FILE_ACCESS",
      `Cannot extract the upload into ${dest}: the folder is not empty. Use a new folder.`,
      {
        path: dest
      }
    );
}
async function makeTemp(dest) {
  try {
    await mkdir(path.dirname(dest), { recursive: true });
    const tmp = await mkdtemp(path.join(path.dirname(dest), `.${path.basename(dest)}.part-`));
    await chmod(tmp, 493);
    return tmp;
  } catch (e2) {
    throw fileAccessError(e2, "create a folder for the upload", "Check the permissions of the data folder.");
  }
}
function unsafeName(name) {
  if (name.includes("\0")) return "its name contains a NUL character";
  if (/[\x01-\x1f\x7f]/.test(name)) return "its name contains control characters";
  if (name.includes("\\")) return "its name contains a backslash (folders must be separated with /)";
  if (name.startsWith("/")) return "it is an absolute path";
  if (/^[a-zA-Z]:/.test(name)) return "it names a Windows drive";
  const parts = name.split("/");
  if (parts.includes("..")) return 'its path climbs out with ".."';
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) return `its path is longer than ${MAX_PATH_BYTES} bytes`;
  if (parts.some((p2) => Buffer.byteLength(p2) > MAX_SEGMENT_BYTES))
    return `a part of its path is longer than ${MAX_SEGMENT_BYTES} bytes`;
  return void 0;
}
function normalise(name) {
  return name.split("/").filter((p2) => p2 !== "" && p2 !== ".").join("/");
}
function quote(name) {
  return JSON.stringify(name);
}
function bytes(n2) {
  if (n2 < 1024) return `${n2} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v2 = n2 / 1024;
  let i = 0;
  for (; v2 >= 1024 && i < units.length - 1; i++) v2 /= 1024;
  return `${Number.isInteger(v2) ? v2 : v2.toFixed(1)} ${units[i]}`;
}
var Extraction = class {
  constructor(root, limits) {
    this.root = root;
    this.limits = limits;
  }
  root;
  limits;
  problems = [];
  files = [];
  kinds = /* @__PURE__ */ new Map();
  entries = 0;
  declared = 0;
  written = 0;
  /** Runs a format reader and turns what it found into one UPLOAD_INVALID listing every problem. */
  async run(read) {
    try {
      await read();
    } catch (e2) {
      if (!(e2 instanceof Stop)) throw e2;
    }
    if (!this.problems.length && !this.files.length) this.problems.push("the archive holds no files");
    if (this.problems.length) throw uploadInvalid(this.problems);
  }
  /** Records a problem that makes reading on pointless or too costly, and stops. */
  stop(problem) {
    if (!this.problems.includes(problem)) this.problems.push(problem);
    return new Stop(problem);
  }
  /** Stops on a damaged archive, keeping the problems found so far. */
  damaged(format2, e2) {
    return this.stop(`the ${format2} archive is damaged or truncated (${errorMessage(e2)})`);
  }
  tooLarge() {
    return this.stop(
      `the archive inflates to more than ${bytes(this.limits.maxTotalBytes)}, the most this server accepts in one upload`
    );
  }
  tooMany(count2) {
    const max = this.limits.maxEntries;
    return this.stop(
      count2 === void 0 ? `the archive holds more than ${max} entries, the most this server accepts` : `the archive holds ${count2} entries; at most ${max} are accepted`
    );
  }
  /**
   * Checks an entry before any of its bytes are read. Returns the path to write it at, or undefined when it
   * is refused (the problem is recorded) or when earlier problems already doom the upload.
   */
  admit(e2) {
    if (++this.entries > this.limits.maxEntries) throw this.tooMany();
    if ("refused" in e2) return this.refuse(e2.name, e2.refused);
    const why = unsafeName(e2.name) ?? this.clash(e2);
    if (why) return this.refuse(e2.name, why);
    const rel = normalise(e2.name);
    this.claim(rel, e2.type);
    if (e2.type === "file") this.declared += e2.size;
    if (this.declared > this.limits.maxTotalBytes) throw this.tooLarge();
    return this.problems.length ? void 0 : rel;
  }
  refuse(name, why) {
    this.problems.push(`${quote(name)}: ${why}`);
    return void 0;
  }
  /** A name that cannot coexist with the entries already seen, or is too big by its own account. */
  clash(e2) {
    const rel = normalise(e2.name);
    if (!rel) return e2.type === "file" ? "it has no name" : void 0;
    const before = this.kinds.get(rel);
    if (before === "file")
      return e2.type === "file" ? "the archive holds this path twice" : "it is also a file";
    if (before === "directory" && e2.type === "file") return "the archive holds a folder with the same path";
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (this.kinds.get(parent) === "file") return `${quote(parent)} is a file in the archive, not a folder`;
    }
    const max = this.limits.maxEntryBytes;
    if (e2.type === "file" && max !== void 0 && e2.size > max)
      return `it is ${bytes(e2.size)}, more than the ${bytes(max)} accepted for one file`;
    return void 0;
  }
  claim(rel, type) {
    if (!rel) return;
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) this.kinds.set(parts.slice(0, i).join("/"), "directory");
    this.kinds.set(rel, type);
  }
  async directory(rel) {
    if (rel) await mkdir(path.join(this.root, rel), { recursive: true });
  }
  /**
   * Writes one file, counting the bytes as they come out of the decompressor. Stops reading as soon as a
   * limit is passed, so a lying size field cannot make it write more than the limits. The source is opened
   * only once the file is ready: a decompressor failing on its first chunk must find the loop listening.
   */
  async file(rel, name, openSource) {
    const target = path.join(this.root, rel);
    await mkdir(path.dirname(target), { recursive: true });
    const fh = await open(target, "wx", 420);
    const max = this.limits.maxEntryBytes ?? Infinity;
    let size = 0;
    try {
      for await (const chunk of await openSource()) {
        size += chunk.length;
        this.written += chunk.length;
        if (this.written > this.limits.maxTotalBytes) throw this.tooLarge();
        if (size > max) {
          this.problems.push(
            `${quote(name)}: it inflates to more than the ${bytes(max)} accepted for one file`
          );
          return;
        }
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
    this.files.push({ path: rel, size });
  }
};
function uploadInvalid(problems) {
  const listed = problems.slice(0, MAX_LISTED).map((p2) => `  - ${p2}`);
  if (problems.length > MAX_LISTED) listed.push(`  - \u2026 and ${problems.length - MAX_LISTED} more`);
  return new AtqError(
    "UPLOAD_INVALID",
    `The uploaded archive cannot be accepted:
${listed.join("\n")}
Pack only plain files and folders, with relative paths inside the archive and within the size limits, and upload it again.`,
    { problems }
  );
}
var S_IFMT = 61440;
var S_IFREG = 32768;
var S_IFDIR = 16384;
var S_IFLNK = 40960;
var DOS_DIRECTORY = 16;
async function readZip(data, x) {
  let zip;
  try {
    zip = await import_yauzl.default.fromBufferPromise(data, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true
    });
  } catch (e2) {
    throw x.damaged("zip", e2);
  }
  if (zip.entryCount > x.limits.maxEntries) throw x.tooMany(zip.entryCount);
  try {
    for await (const entry of zip.eachEntry()) {
      const e2 = zipEntry(entry);
      const rel = x.admit(e2);
      if (rel === void 0 || "refused" in e2) continue;
      if (e2.type === "directory") await x.directory(rel);
      else await x.file(rel, e2.name, () => zip.openReadStreamPromise(entry));
    }
  } catch (e2) {
    if (e2 instanceof Stop || isSystemError(e2)) throw e2;
    throw x.damaged("zip", e2);
  }
}
function zipEntry(entry) {
  const name = import_yauzl.default.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true
  );
  const mode = entry.externalFileAttributes >>> 16 & S_IFMT;
  if (mode === S_IFLNK) return { name, refused: "it is a symbolic link" };
  if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR)
    return { name, refused: "it is a device, pipe or socket, not a plain file" };
  if (name.endsWith("/") || mode === S_IFDIR || entry.externalFileAttributes & DOS_DIRECTORY)
    return { name, type: "directory", size: 0 };
  if (entry.isEncrypted()) return { name, refused: "it is encrypted" };
  if (!entry.canDecodeFileData())
    return { name, refused: `it uses compression method ${entry.compressionMethod}; use deflate or store` };
  return { name, type: "file", size: entry.uncompressedSize };
}
function isSystemError(e2) {
  return typeof e2?.syscall === "string";
}
async function readTarGz(data, x) {
  const extract = import_tar_stream.default.extract();
  const cap = x.limits.maxTotalBytes + (x.limits.maxEntries + 2) * 4096 + 65536;
  const fed = pipeline(
    Readable.from([data]),
    createGunzip(),
    capBytes(cap, () => x.tooLarge()),
    extract
  );
  fed.catch(() => void 0);
  try {
    for await (const entry of extract) {
      const e2 = tarEntry(entry.header);
      const rel = x.admit(e2);
      if (rel !== void 0 && !("refused" in e2) && e2.type === "file")
        await x.file(rel, e2.name, async () => entry);
      else {
        entry.resume();
        if (rel !== void 0) await x.directory(rel);
      }
    }
    await fed;
  } catch (e2) {
    if (e2 instanceof Stop || isSystemError(e2)) throw e2;
    throw x.damaged("tar.gz", e2);
  }
}
function tarEntry(h2) {
  const name = h2.name;
  switch (h2.type) {
    case "file":
    case "contiguous-file":
      return { name, type: "file", size: h2.size ?? 0 };
    case "directory":
      return { name, type: "directory", size: 0 };
    case "symlink":
      return { name, refused: `it is a symbolic link (to ${quote(h2.linkname ?? "")})` };
    case "link":
      return { name, refused: `it is a hard link (to ${quote(h2.linkname ?? "")})` };
    default:
      return { name, refused: `it is a ${h2.type ?? "unknown"} entry, not a plain file or folder` };
  }
}
function capBytes(max, over) {
  let seen = 0;
  return new Transform({
    transform(chunk, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(over());
      else done(null, chunk);
    }
  });
}

// src/server/files.ts
var ID = /^[A-Za-z0-9_-]{22}$/;
var META = "meta.json";
var FILES = "files";
var MAX_NAME = 255;
function isFileId(id) {
  return typeof id === "string" && ID.test(id);
}
var FileStore = class {
  constructor(root, limits) {
    this.root = root;
    this.limits = limits;
  }
  root;
  limits;
  /** Uploads being removed: gone for every check from the moment the removal was decided. */
  removing = /* @__PURE__ */ new Set();
  /** Extracts the archive (throws UPLOAD_INVALID listing every problem) and records it. */
  async save(data, name, owner) {
    const id = randomBytes2(16).toString("base64url");
    const staging = path2.join(this.root, `.incoming-${id}`);
    try {
      const files = await extractArchive(data, path2.join(staging, FILES), this.limits);
      const meta = {
        id,
        ...cleanName(name) ? { name: cleanName(name) } : {},
        files: files.length,
        bytes: files.reduce((sum, f2) => sum + f2.size, 0),
        createdAt: (/* @__PURE__ */ new Date()).toISOString(),
        plans: files.filter((f2) => f2.path.toLowerCase().endsWith(".jmx")).map((f2) => f2.path),
        owner
      };
      await writeFile(path2.join(staging, META), JSON.stringify(meta, null, 2) + "\n", { mode: 384 });
      await rename2(staging, path2.join(this.root, id));
      return meta;
    } catch (e2) {
      await rm2(staging, { recursive: true, force: true });
      throw e2;
    }
  }
  /** Every upload, newest first. Folders without readable metadata (being written, damaged) are skipped. */
  async list() {
    const names = await readdir2(this.root).catch((e2) => {
      if (e2.code === "ENOENT") return [];
      throw fileAccessError(e2, "list the uploads");
    });
    const all = await Promise.all(names.filter(isFileId).map((id) => this.get(id)));
    return all.filter((f2) => f2 !== void 0).sort((a, b2) => b2.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b2.id));
  }
  async get(id) {
    if (!this.available(id)) return void 0;
    try {
      const meta = JSON.parse(await readFile2(path2.join(this.root, id, META), "utf8"));
      return meta.id === id ? meta : void 0;
    } catch {
      return void 0;
    }
  }
  /** The absolute folder holding the upload's files, for tasks; undefined when there is no such upload. */
  folder(id) {
    return this.available(id) ? path2.join(path2.resolve(this.root, id), FILES) : void 0;
  }
  /** Whether the upload is there and not being removed: synchronous, so a decision and its check do not interleave. */
  available(id) {
    return isFileId(id) && !this.removing.has(id) && existsSync(path2.join(this.root, id, META));
  }
  /**
   * Decides to remove the upload: from now on it is unavailable to every check. Synchronous, so that a route
   * can check that nothing uses it and decide in one step, with no submission slipping in between.
   */
  markRemoved(id) {
    if (!this.available(id)) return false;
    this.removing.add(id);
    return true;
  }
  /** Removes the upload (marked or not); false when there was none. */
  async remove(id) {
    if (!isFileId(id) || !existsSync(path2.join(this.root, id, META))) return false;
    this.removing.add(id);
    try {
      return await this.removeNow(id);
    } finally {
      this.removing.delete(id);
    }
  }
  async removeNow(id) {
    const trash = path2.join(this.root, `.removed-${id}-${randomBytes2(4).toString("hex")}`);
    try {
      await rename2(path2.join(this.root, id), trash);
    } catch (e2) {
      if (e2.code === "ENOENT") return false;
      throw fileAccessError(e2, "remove the upload");
    }
    await rm2(trash, { recursive: true, force: true });
    return true;
  }
  /** Removes what an interrupted save or remove left behind (dot-folders); call once at start-up. */
  async sweep() {
    const names = await readdir2(this.root).catch(() => []);
    await Promise.all(
      names.filter((n2) => n2.startsWith(".incoming-") || n2.startsWith(".removed-")).map((n2) => rm2(path2.join(this.root, n2), { recursive: true, force: true }))
    );
  }
};
function cleanName(name) {
  const CONTROLS = /[\x00-\x1f\x7f]/g;
  const base = name?.split(/[/\\]/).pop()?.replace(CONTROLS, "").trim();
  return base ? base.slice(0, MAX_NAME) : void 0;
}

// src/server/hub.ts
import {
  appendFileSync,
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readSync,
  statSync
} from "node:fs";
import path3 from "node:path";
import { createInterface } from "node:readline";
var EVENT_LIMITS = {
  /** Events kept in memory per task. */
  tail: 2e3,
  /** One output line in the stream, in characters (the whole line is in the results' logs/). */
  lineChars: 8 * 1024,
  /** Container output lines per second per task, after a burst of `burst`. */
  linesPerSecond: 200,
  burst: 1e3,
  /** The events file per task: past it, container output and progress are no longer recorded. */
  fileBytes: 64 * 1024 * 1024,
  /** Pending lines are appended at most this often, or once this many bytes wait. */
  flushMs: 100,
  flushBytes: 64 * 1024
};
var EventHub = class {
  constructor(dataDir, limits = EVENT_LIMITS) {
    this.dataDir = dataDir;
    this.limits = limits;
  }
  dataDir;
  limits;
  channels = /* @__PURE__ */ new Map();
  file(taskId) {
    return path3.join(this.dataDir, "tasks", taskId, "events.ndjson");
  }
  channel(taskId) {
    let c = this.channels.get(taskId);
    if (!c) {
      const file = this.file(taskId);
      mkdirSync(path3.dirname(file), { recursive: true, mode: 448 });
      const bytes2 = sizeOf(file);
      c = {
        events: [],
        last: lastStoredId(file, bytes2),
        subscribers: /* @__PURE__ */ new Set(),
        pending: [],
        pendingBytes: 0,
        bytes: bytes2,
        allowance: this.limits.burst,
        refilled: Date.now(),
        said: {}
      };
      this.channels.set(taskId, c);
    }
    return c;
  }
  publish(taskId, data) {
    const c = this.channel(taskId);
    const kept = this.admit(taskId, c, data);
    if (!kept) return;
    const e2 = { id: ++c.last, at: (/* @__PURE__ */ new Date()).toISOString(), data: kept };
    c.events.push(e2);
    if (c.events.length > this.limits.tail) c.events.splice(0, c.events.length - this.limits.tail);
    const line = JSON.stringify(e2) + "\n";
    c.pending.push(line);
    c.pendingBytes += Buffer.byteLength(line);
    c.bytes += Buffer.byteLength(line);
    if (data.kind === "end" || c.pendingBytes >= this.limits.flushBytes) this.flush(taskId, c);
    else c.timer ??= setTimeout(() => this.flush(taskId, c), this.limits.flushMs).unref();
    for (const s of c.subscribers) s(e2);
    if (data.kind === "end") {
      c.subscribers.clear();
      this.channels.delete(taskId);
    }
  }
  /** The event as it may be kept (a long line cut), or undefined when it is dropped (said once). */
  admit(taskId, c, data) {
    if (data.kind !== "run") return data;
    const { type } = data.event;
    if (type !== "output" && type !== "progress" && type !== "live") return data;
    if (c.bytes >= this.limits.fileBytes) {
      if (!c.said.full) {
        c.said.full = true;
        this.notice(
          taskId,
          `the task's event log reached ${this.limits.fileBytes} bytes: container output, progress and live statistics are no longer recorded here (the results' logs/ have the output)`
        );
      }
      return void 0;
    }
    if (data.event.type !== "output") return data;
    const now = Date.now();
    c.allowance = Math.min(
      this.limits.burst,
      c.allowance + (now - c.refilled) / 1e3 * this.limits.linesPerSecond
    );
    c.refilled = now;
    if (c.allowance < 1) {
      if (!c.said.thinned) {
        c.said.thinned = true;
        this.notice(
          taskId,
          `container output comes faster than ${this.limits.linesPerSecond} lines a second: lines are skipped here (the results' logs/ have them all)`
        );
      }
      return void 0;
    }
    c.allowance -= 1;
    const { line } = data.event;
    if (line.length <= this.limits.lineChars) return data;
    return { kind: "run", event: { ...data.event, line: `${line.slice(0, this.limits.lineChars)} \u2026 (cut)` } };
  }
  notice(taskId, message) {
    this.publish(taskId, { kind: "run", event: { type: "log", level: "warn", message } });
  }
  /** Appends what waits to the file: one write per batch, not one per line. */
  flush(taskId, c) {
    if (c.timer) clearTimeout(c.timer);
    c.timer = void 0;
    if (!c.pending.length) return;
    const text3 = c.pending.join("");
    c.pending = [];
    c.pendingBytes = 0;
    appendFileSync(this.file(taskId), text3, { mode: 384 });
  }
  /**
   * The events after `after`, then every new one until the task ends. Returns the replay (streamed from
   * the file when the client asks for more than memory holds) and an unsubscribe function (undefined when
   * the task has ended: the replay is all there is). `ended` comes from the store: a queued task has no
   * events yet after a restart, yet it will. Live events that arrive while the replay is read come after it.
   */
  subscribe(taskId, after, live, ended) {
    if (ended && !this.channels.has(taskId)) return { replay: this.stored(taskId, after) };
    const c = this.channel(taskId);
    this.flush(taskId, c);
    const inMemory = (c.events[0]?.id ?? c.last + 1) <= after + 1;
    const upTo = c.last;
    const replay = inMemory ? fromArray(c.events.filter((e2) => e2.id > after)) : this.stored(taskId, after, upTo);
    c.subscribers.add(live);
    return { replay, stop: () => c.subscribers.delete(live) };
  }
  /** The id of the last event a task has had (0 for none). */
  lastId(taskId) {
    const c = this.channels.get(taskId);
    if (c) return c.last;
    const file = this.file(taskId);
    return lastStoredId(file, sizeOf(file));
  }
  /** The stored events after `after` (and up to `upTo`), read line by line. */
  async *stored(taskId, after, upTo = Infinity) {
    const input = createReadStream(this.file(taskId));
    const opened = await new Promise((resolve) => {
      input.once("open", () => resolve(true));
      input.once("error", () => resolve(false));
    });
    if (!opened) return;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      const e2 = parse(line);
      if (!e2 || e2.id <= after) continue;
      if (e2.id > upTo) break;
      yield e2;
    }
    input.destroy();
  }
};
async function* fromArray(events) {
  yield* events;
}
function parse(line) {
  if (!line) return void 0;
  try {
    return JSON.parse(line);
  } catch {
    return void 0;
  }
}
function sizeOf(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
function lastStoredId(file, size) {
  if (!size) return 0;
  const fd = openSync(file, "r");
  try {
    for (let length = Math.min(size, 64 * 1024); ; length = Math.min(size, length * 4)) {
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      const lines = buf.toString("utf8").split("\n");
      for (let i = lines.length - 1; i >= (length < size ? 1 : 0); i--) {
        const e2 = parse(lines[i]);
        if (e2) return e2.id;
      }
      if (length === size) return 0;
    }
  } finally {
    closeSync(fd);
  }
}

// src/core/generic/spec.ts
var RESERVED_ENV = ["WORKER_CSV_VIPS", "REMOTES"];
var DATA_DIR = "/atq/data";
var LIMITS = {
  maxWorkers: 100,
  maxDelaySeconds: 3600,
  maxWaitSeconds: 3600,
  defaultWaitSeconds: 60,
  maxCollect: 20,
  /** Each uploaded file is one Swarm config; Engine 20.10 refuses configs over 500 KiB. */
  maxFileBytes: 500 * 1024,
  maxFiles: 100,
  /** What `collect` may copy out of the master in all: a task must not fill the server's disk. */
  collectBytes: 1024 * 1024 * 1024,
  /** Configs live in the managers' Raft store: keep what one task puts there modest. */
  maxTotalFileBytes: 20 * 1024 * 1024
};

// src/server/atq-task.ts
import path4 from "node:path";

// src/server/monitor-allow.ts
function monitorAllowProblems(requested, allowed) {
  return requested.filter((r) => !monitorRequestAllowed(r, allowed)).map(
    (r) => `monitor: ${JSON.stringify(r)} is not allowed on this server` + (allowed.length ? ` (allowed: ${allowed.join(", ")})` : " (it allows none)") + (isGlob(r) && allowed.length ? "; a glob must be exactly one of the allowed patterns: use one, or name the services" : "") + `; its operator can allow it with atq serve --allow-monitor ${r}`
  );
}
function monitorRequestAllowed(requested, allowed) {
  return isGlob(requested) ? allowed.includes(requested) : allowed.some((a) => globMatches(a, requested));
}
function allowMonitorProblems(allowed) {
  return allowed.filter((a) => !SERVICE_PATTERN.test(a)).map(
    (a) => `allow-monitor: ${JSON.stringify(a)} is not a service name or glob (letters, digits, _ . - and the wildcards * ?, e.g. 'shop-*')`
  );
}
var isGlob = (name) => /[*?]/.test(name);

// src/server/limits.ts
function atqLimitProblems(o, limits) {
  return [
    ...most("workers", o.workers, limits.maxWorkers, "--max-workers", String),
    ...most("timeout", o.timeoutMs, limits.maxTimeoutMs, "--max-timeout", durationText),
    ...most("ready-timeout", o.readyTimeoutMs, limits.maxTimeoutMs, "--max-timeout", durationText),
    ...most("wait-timeout", o.waitCommand?.timeoutMs, limits.maxTimeoutMs, "--max-timeout", durationText),
    ...most("delay", o.delayMs, limits.maxDelayMs, "--max-delay", durationText),
    ...most("max-bundle-size", o.maxBundleBytes, limits.maxBundleBytes, "--max-bundle", formatBytes),
    ...heapProblems(o.heap, limits.taskMemoryBytes),
    // Every container's cap (0: none): a worker's own reservation above it could never be met.
    ...most("worker-cpus", o.workerCpus, limits.taskCpus || Infinity, "--task-cpus", String),
    ...most(
      "worker-memory",
      o.workerMemoryBytes,
      limits.taskMemoryBytes || Infinity,
      "--task-memory",
      formatBytes
    ),
    ...imageProblems(
      [
        ["image", o.workerImage],
        ["master-image", o.masterImage],
        ["wait-image", o.waitCommand?.image]
      ],
      limits.allowImages
    ),
    ...monitorAllowProblems(o.monitor, limits.allowMonitors)
  ];
}
function seedLimitProblems(spec, limits) {
  return [
    ...most("worker.replicas", spec.worker.replicas, limits.maxWorkers, "--max-workers", String),
    ...most("delay", spec.delayMs, limits.maxDelayMs, "--max-delay", durationText),
    ...most(
      "waitCommand.timeout",
      spec.waitCommand?.timeoutMs,
      limits.maxTimeoutMs,
      "--max-timeout",
      durationText
    ),
    ...imageProblems(
      [
        ["master.image", spec.master.image],
        ["worker.image", spec.worker.image]
      ],
      limits.allowImages
    )
  ];
}
function most(field, value, max, flag, show) {
  if (value === void 0 || value <= max) return [];
  return [
    `${field}: ${show(value)} is more than this server allows (${flag} ${show(max)}); ask for less, or ask its operator to raise ${flag}`
  ];
}
function heapProblems(heap, memoryBytes) {
  const m2 = heap === void 0 ? null : /^(\d+)([kmg])$/i.exec(heap);
  if (!m2 || !memoryBytes) return [];
  const bytes2 = Number(m2[1]) * 1024 ** " kmg".indexOf(m2[2].toLowerCase());
  if (bytes2 < memoryBytes) return [];
  return [
    `heap: ${heap} does not fit in the memory each container may use on this server (--task-memory ${formatBytes(memoryBytes)}); ask for less, or ask its operator to raise --task-memory`
  ];
}
function imageProblems(images, allowed) {
  if (!allowed.length) return [];
  const allows = wildcards(allowed);
  return images.filter(([, image]) => image !== void 0 && !allows(image)).map(
    ([field, image]) => `${field}: ${JSON.stringify(image)} is not an image this server runs (--allow-image ${allowed.join(", ")}); use one of those, or ask its operator to allow it`
  );
}
function wildcards(patterns) {
  const res = patterns.map(
    (a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`)
  );
  return (name) => res.some((r) => r.test(name));
}

// src/server/atq-task.ts
var TASK_KEYS = ["fileId", "name", "schedule", "source"];
var SERVER_SET = {
  "test-dir": "the task runs on the files of its fileId",
  out: "results are kept by the server (GET /api/task/{id}/results)",
  "docker-host": "the server connects to its own swarm",
  "tls-ca": "the server connects to its own swarm",
  "tls-cert": "the server connects to its own swarm",
  "tls-key": "the server connects to its own swarm",
  "insecure-plaintext": "the server connects to its own swarm",
  keep: "the server always removes what a task created",
  server: "this is the server",
  token: "send the token in the Authorization header",
  "insecure-http": "a client's choice of how it reaches this server"
};
function optionValues(body) {
  const values = {};
  for (const [k2, v2] of Object.entries(body)) if (!TASK_KEYS.includes(k2)) values[k2] = v2;
  return values;
}
function optionProblems(values, folder, allowNetworks = [], limits) {
  return resolveTaskOptions(values, folder, folder, {}, allowNetworks, limits).problems;
}
function networkProblems(networks, allowed) {
  const allows = wildcards(allowed);
  return networks.filter((n2) => !allows(n2)).map(
    (n2) => `attach-network: ${JSON.stringify(n2)} is not allowed on this server` + (allowed.length ? ` (allowed: ${allowed.join(", ")})` : " (it allows none)") + "; its operator can allow it with atq serve --allow-network NAME"
  );
}
function resolveTaskOptions(values, folder, resultsDir2, docker, allowNetworks = [], limits) {
  const problems = [];
  const allowed = {};
  for (const [k2, v2] of Object.entries(values)) {
    if (SERVER_SET[k2]) problems.push(`${k2}: set by the server (${SERVER_SET[k2]})`);
    else if (k2 === "baseline" && !parseAutoBaseline(v2) && !insideUpload(v2))
      problems.push(
        `baseline: must be a relative path inside the upload (its summary.json files, e.g. ".atq-baseline"), or auto (this server's earlier runs of the task); no server path can be named`
      );
    else if (!FIELD_NAMES.has(k2))
      problems.push(
        `${k2}: unknown option; a task takes ${TASK_KEYS.join(", ")} and the atq run options (${[...FIELD_NAMES].filter((n2) => !SERVER_SET[n2]).join(", ")})`
      );
    else allowed[k2] = v2;
  }
  const resolved = resolveOptions(allowed, { out: path4.resolve(resultsDir2) }, folder, folder);
  problems.push(...resolved.problems);
  if (resolved.options) problems.push(...networkProblems(resolved.options.attachNetworks, allowNetworks));
  if (resolved.options && limits) problems.push(...atqLimitProblems(resolved.options, limits));
  if (problems.length || !resolved.options) return { problems };
  const options2 = { ...resolved.options, testDir: folder, docker };
  if (limits) options2.limits = runLimits(limits);
  return { options: options2, problems };
}
function runLimits(limits) {
  return {
    resultBytes: limits.maxResultBytes,
    logBytes: Math.min(limits.maxResultBytes, LOG_BYTES),
    monitorAllow: limits.allowMonitors
  };
}
var LOG_BYTES = 64 * 1024 * 1024;
function insideUpload(value) {
  if (typeof value !== "string" || !value || path4.isAbsolute(value) || value.includes("\0")) return false;
  return !path4.normalize(value).split(/[\\/]/).includes("..");
}

// src/server/store.ts
import { chmodSync, mkdirSync as mkdirSync2 } from "node:fs";
import path5 from "node:path";

// src/server/sqlite.ts
var OLDEST_NODE = "22.13.0";
var SQLITE_WARNING = /^SQLite is an experimental feature/;
async function loadSqlite() {
  const emit = process.emitWarning;
  process.emitWarning = ((warning, ...rest) => {
    if (SQLITE_WARNING.test(typeof warning === "string" ? warning : warning.message)) return;
    emit.call(process, warning, ...rest);
  });
  try {
    return await import("node:sqlite");
  } catch (e2) {
    throw new AtqError(
      "CONFIG_INVALID",
      `atq serve needs Node.js ${OLDEST_NODE} or later, for its built-in SQLite (this is Node.js ${process.version}: ${errorMessage(e2)}). Run it with a newer Node.js, e.g. 24.`,
      { node: process.version, needs: OLDEST_NODE }
    );
  } finally {
    process.emitWarning = emit;
  }
}

// src/server/store.ts
var TASK_STATUSES = [
  "queued",
  "starting",
  "running",
  "collecting",
  "finished",
  "failed",
  "cancelled"
];
var ACTIVE = /* @__PURE__ */ new Set(["starting", "running", "collecting"]);
var ENDED = /* @__PURE__ */ new Set(["finished", "failed", "cancelled"]);
var SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT, kind TEXT NOT NULL, status TEXT NOT NULL,
  owner TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
  run_id TEXT, out_dir TEXT, verdict TEXT, error TEXT, stages TEXT NOT NULL DEFAULT '{}', progress TEXT,
  schedule_id TEXT);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(status, seq);
CREATE INDEX IF NOT EXISTS tasks_history ON tasks(owner, name, status);
CREATE TABLE IF NOT EXISTS schedules (
  id TEXT PRIMARY KEY, cron TEXT NOT NULL, name TEXT, owner TEXT NOT NULL, payload TEXT NOT NULL,
  created_at TEXT NOT NULL, next_run TEXT, last_task TEXT);
`;
var ADDED_COLUMNS = { results_bytes: "INTEGER", auto_stop: "TEXT", unreliable: "TEXT" };
var isBusy = (e2) => (e2.errcode ?? 0) % 256 === 5;
var opt = (v2) => v2 === null || v2 === void 0 ? void 0 : String(v2);
function taskFrom(r) {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    name: opt(r.name),
    kind: r.kind === "seed" ? "seed" : "atq",
    status: r.status,
    owner: String(r.owner),
    payload: JSON.parse(String(r.payload)),
    createdAt: String(r.created_at),
    startedAt: opt(r.started_at),
    finishedAt: opt(r.finished_at),
    runId: opt(r.run_id),
    outDir: opt(r.out_dir),
    verdict: opt(r.verdict),
    error: r.error ? JSON.parse(String(r.error)) : void 0,
    stages: JSON.parse(String(r.stages ?? "{}")),
    progress: opt(r.progress),
    scheduleId: opt(r.schedule_id),
    autoStop: r.auto_stop ? JSON.parse(String(r.auto_stop)) : void 0,
    unreliable: r.unreliable ? JSON.parse(String(r.unreliable)) : void 0
  };
}
function scheduleFrom(r) {
  return {
    id: String(r.id),
    cron: String(r.cron),
    name: opt(r.name),
    owner: String(r.owner),
    payload: JSON.parse(String(r.payload)),
    createdAt: String(r.created_at),
    nextRun: opt(r.next_run),
    lastTaskId: opt(r.last_task)
  };
}
var COLUMNS = {
  status: "status",
  startedAt: "started_at",
  finishedAt: "finished_at",
  runId: "run_id",
  outDir: "out_dir",
  verdict: "verdict",
  error: "error",
  stages: "stages",
  progress: "progress",
  autoStop: "auto_stop",
  unreliable: "unreliable"
};
var Store = class _Store {
  constructor(db) {
    this.db = db;
    this.db.exec("PRAGMA busy_timeout = 1000");
    this.db.exec("PRAGMA locking_mode = EXCLUSIVE");
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec(SCHEMA);
    const columns = new Set(this.db.prepare("PRAGMA table_info(tasks)").all().map((c) => c.name));
    for (const [name, type] of Object.entries(ADDED_COLUMNS))
      if (!columns.has(name)) this.db.exec(`ALTER TABLE tasks ADD COLUMN ${name} ${type}`);
  }
  db;
  static async open(dataDir) {
    const { DatabaseSync } = await loadSqlite();
    mkdirSync2(dataDir, { recursive: true, mode: 448 });
    chmodSync(dataDir, 448);
    const db = new DatabaseSync(path5.join(dataDir, "atq.sqlite"));
    try {
      return new _Store(db);
    } catch (e2) {
      db.close();
      if (!isBusy(e2)) throw e2;
      throw new AtqError(
        "CONFIG_INVALID",
        `Another atq serve is using the data folder ${dataDir}. Stop it first, or give this one its own --data.`,
        { dataDir }
      );
    }
  }
  close() {
    this.db.close();
  }
  insertTask(t) {
    const seq = Number(this.db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM tasks").get().n);
    this.db.prepare(
      `INSERT INTO tasks (id, seq, name, kind, status, owner, payload, created_at, schedule_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ).run(
      t.id,
      seq,
      t.name ?? null,
      t.kind,
      t.status,
      t.owner,
      JSON.stringify(t.payload),
      t.createdAt,
      t.scheduleId ?? null
    );
    return this.task(t.id);
  }
  task(id) {
    const row = this.db.prepare("SELECT * FROM tasks WHERE id = ?").get(id);
    return row && taskFrom(row);
  }
  updateTask(id, changes) {
    const sets = [];
    const values = [];
    for (const [key, value] of Object.entries(changes)) {
      const column = COLUMNS[key];
      if (!column) throw new Error(`task field ${key} cannot be updated`);
      sets.push(`${column} = ?`);
      values.push(
        value === void 0 ? null : typeof value === "object" ? JSON.stringify(value) : String(value)
      );
    }
    if (sets.length) this.db.prepare(`UPDATE tasks SET ${sets.join(", ")} WHERE id = ?`).run(...values, id);
  }
  tasks(filter) {
    const where = [];
    const args = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => "?").join(", ")})`);
      args.push(...filter.status);
    }
    for (const [column, value] of [
      ["owner", filter.owner],
      ["schedule_id", filter.scheduleId]
    ]) {
      if (value === void 0) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = Number(
      this.db.prepare(`SELECT COUNT(*) AS n FROM tasks ${clause}`).get(...args).n
    );
    const rows = this.db.prepare(`SELECT * FROM tasks ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset);
    return { tasks: rows.map(taskFrom), total };
  }
  /**
   * ATQ-form tasks of this owner and name that finished without a failed verdict, newest first: the runs a
   * later task of that name is judged against (a run whose gates failed is a regression, not a baseline).
   */
  finishedRuns(f2) {
    const ref2 = f2.ref === void 0 ? "" : `AND json_extract(payload, '$.source.ref') = ?`;
    const rows = this.db.prepare(
      `SELECT * FROM tasks WHERE owner = ? AND name = ? AND kind = 'atq' AND status = 'finished'
         AND (verdict IS NULL OR verdict != 'failed') ${ref2}
         ORDER BY started_at DESC, seq DESC LIMIT ? OFFSET ?`
    ).all(f2.owner, f2.name, ...f2.ref === void 0 ? [] : [f2.ref], f2.limit, f2.offset);
    return rows.map(taskFrom);
  }
  /** Queued tasks, first in line first. */
  queued() {
    return this.db.prepare(`SELECT * FROM tasks WHERE status = 'queued' ORDER BY seq`).all().map(
      taskFrom
    );
  }
  /** Tasks that were starting, running or collecting: after a restart, none of them is really running. */
  active() {
    return this.db.prepare(`SELECT * FROM tasks WHERE status IN ('starting', 'running', 'collecting') ORDER BY seq`).all().map(taskFrom);
  }
  insertSchedule(s) {
    this.db.prepare(
      `INSERT INTO schedules (id, cron, name, owner, payload, created_at, next_run) VALUES (?, ?, ?, ?, ?, ?, ?)`
    ).run(s.id, s.cron, s.name ?? null, s.owner, JSON.stringify(s.payload), s.createdAt, s.nextRun ?? null);
  }
  schedules() {
    return this.db.prepare("SELECT * FROM schedules ORDER BY created_at").all().map(scheduleFrom);
  }
  schedule(id) {
    const row = this.db.prepare("SELECT * FROM schedules WHERE id = ?").get(id);
    return row && scheduleFrom(row);
  }
  updateSchedule(id, nextRun, lastTaskId) {
    this.db.prepare("UPDATE schedules SET next_run = ?, last_task = COALESCE(?, last_task) WHERE id = ?").run(nextRun ?? null, lastTaskId ?? null, id);
  }
  /** Bytes of results a task keeps on the server (measured when it ends). */
  setResultsBytes(id, bytes2) {
    this.db.prepare("UPDATE tasks SET results_bytes = ? WHERE id = ?").run(bytes2, id);
  }
  /** Bytes of results the owner's tasks keep on the server (--max-stored). */
  storedBytes(owner) {
    const row = this.db.prepare("SELECT COALESCE(SUM(results_bytes), 0) AS n FROM tasks WHERE owner = ?").get(owner);
    return Number(row.n);
  }
  /** Ended tasks that finished before `iso` (--keep-results), oldest first. */
  endedBefore(iso) {
    const rows = this.db.prepare(
      `SELECT * FROM tasks WHERE status IN ('finished', 'failed', 'cancelled') AND finished_at < ? ORDER BY seq`
    ).all(iso);
    return rows.map(taskFrom);
  }
  deleteTask(id) {
    this.db.prepare("DELETE FROM tasks WHERE id = ?").run(id);
  }
  removeSchedule(id) {
    return Number(this.db.prepare("DELETE FROM schedules WHERE id = ?").run(id).changes) > 0;
  }
};

// src/server/openapi.ts
var ref = (name) => ({ $ref: `#/components/schemas/${name}` });
var text = { type: "string", minLength: 1 };
var time = { type: "string", format: "date-time" };
var count = { type: "integer", minimum: 0 };
var FILE_ID = {
  type: "string",
  pattern: "^[A-Za-z0-9_-]{22}$",
  description: "The id POST /api/databind/upload answered."
};
var orNull = (s) => ({ anyOf: [s, { type: "null" }] });
function object(required, properties, description) {
  return {
    type: "object",
    required,
    properties,
    additionalProperties: false,
    ...description ? { description } : {}
  };
}
var TASK_STATUS = {
  type: "string",
  enum: [...TASK_STATUSES]
};
var VERDICT = {
  type: "string",
  enum: ["passed", "failed", "inconclusive", "skipped", "no-gates"]
};
var ERROR = object(
  ["error"],
  {
    error: object(["code", "message"], {
      code: { type: "string", pattern: "^[A-Z][A-Z0-9_]*$", examples: ["INVALID_REQUEST", "NOT_FOUND"] },
      message: { ...text, description: "What went wrong and what to do; may span lines." },
      problems: {
        type: "array",
        items: text,
        description: "Every problem found, each naming its field (400)."
      }
    })
  },
  "Every answer other than 2xx (JSON routes and the page alike)."
);
var TASK = object(
  ["id", "seq", "kind", "status", "owner", "payload", "createdAt", "stages", "position"],
  {
    id: text,
    seq: { type: "integer", minimum: 1, description: "Arrival order: the queue is FIFO on it." },
    name: text,
    kind: { type: "string", enum: ["atq", "seed"], description: "Which form the task was submitted in." },
    status: ref("TaskStatus"),
    owner: {
      ...text,
      description: 'The name of the token that submitted it ("local" on a server without tokens).'
    },
    payload: {
      oneOf: [ref("AtqTask"), ref("SeedTask")],
      description: "The task body as accepted, without schedule."
    },
    createdAt: time,
    startedAt: time,
    finishedAt: time,
    runId: { ...text, description: "The run id on the swarm (label atq.run), once the task has started." },
    verdict: ref("Verdict"),
    error: object(["code", "message"], { code: text, message: text }),
    stages: {
      type: "object",
      additionalProperties: { type: "number", minimum: 0 },
      description: "Milliseconds spent in each stage of the run so far."
    },
    progress: { type: "string", description: "The latest progress line (JMeter summariser, workers ready)." },
    scheduleId: { ...text, description: "The schedule that queued this task." },
    autoStop: object(
      ["criterion", "message"],
      { criterion: text, message: text },
      "Auto-stop ended the run early (its run.json autoStop): the criterion as written and what it saw. The verdict is then failed."
    ),
    unreliable: object(
      ["reasons", "workers"],
      { reasons: { type: "array", items: text }, workers: { type: "array", items: text } },
      "A load generator was saturated (its run.json unreliable; docs/generator-health.md): the response times may measure the generator. The workers named, and why."
    ),
    position: { ...count, description: "1 for the next task to start; 0 once it has started or ended." }
  },
  "A task and its place in the queue."
);
var SCHEDULE = object(["id", "cron", "owner", "payload", "createdAt"], {
  id: text,
  cron: { ...text, examples: ["0 2 * * *"], description: "5 fields, in the server's local time." },
  name: text,
  owner: text,
  payload: { oneOf: [ref("AtqTask"), ref("SeedTask")], description: "The task each due time queues." },
  createdAt: time,
  nextRun: time,
  lastTaskId: { ...text, description: "The task queued at the last due time." }
});
var STORED_FILE = object(["id", "files", "bytes", "createdAt", "plans"], {
  id: FILE_ID,
  name: { ...text, description: "The file name the client gave (multipart filename or X-File-Name)." },
  files: count,
  bytes: count,
  createdAt: time,
  plans: { type: "array", items: text, description: "The .jmx plans in it, relative to its root." },
  owner: {
    ...text,
    description: "The token that made it: only it (or an admin token) lists, uses or removes it."
  }
});
var SWARM_NODE = object(
  ["id", "hostname", "role", "availability", "state", "engineVersion", "cpus", "memoryBytes"],
  {
    id: text,
    hostname: { type: "string" },
    role: { type: "string", enum: ["manager", "worker", ""] },
    availability: { type: "string", enum: ["active", "pause", "drain", ""] },
    state: { type: "string", enum: ["unknown", "down", "ready", "disconnected", ""] },
    engineVersion: { type: "string" },
    cpus: { type: "number", minimum: 0 },
    memoryBytes: count
  }
);
var QUEUE = object(["running", "queued", "concurrency"], {
  running: count,
  queued: count,
  concurrency: { type: "integer", minimum: 1 }
});
var SOURCE_FIELDS = {
  commit: { type: "string", pattern: "^[0-9a-fA-F]{7,64}$" },
  ref: { type: "string", pattern: "^[^\\s\\x00-\\x1f\\x7f]{1,255}$", examples: ["main"] },
  ciUrl: { type: "string", format: "uri", pattern: "^https?://", maxLength: 2048 }
};
var CLAIMED_SOURCE = object(
  ["claimedBy"],
  {
    ...SOURCE_FIELDS,
    claimedBy: {
      const: "client",
      description: "Said by the client that submitted the task; the server did not check it."
    }
  },
  "Where the tested code came from, as the submitting client claimed."
);
var PLAN_NUMBERS = object(["plan", "verdict", "samples", "p95", "errorRate", "throughput"], {
  plan: text,
  verdict: orNull(ref("Verdict")),
  samples: count,
  p95: { type: "number", minimum: 0, description: "Milliseconds, the whole run." },
  errorRate: { type: "number", minimum: 0, maximum: 1, description: "A fraction." },
  throughput: { type: "number", minimum: 0, description: "Samples per second." }
});
var HISTORY_RUN = object(
  ["taskId", "runId", "startedAt", "finishedAt", "verdict", "source", "plans"],
  {
    taskId: text,
    runId: orNull(text),
    startedAt: orNull(time),
    finishedAt: orNull(time),
    verdict: orNull(ref("Verdict")),
    source: orNull(ref("ClaimedSource")),
    plans: { type: "array", items: PLAN_NUMBERS, minItems: 1 }
  },
  "One earlier finished task (none whose gates failed) and its plans' whole-run numbers."
);
var ANSWERS = {
  Error: ERROR,
  TaskStatus: TASK_STATUS,
  Verdict: VERDICT,
  Task: TASK,
  TaskList: object(["tasks", "total", "limit", "offset"], {
    tasks: { type: "array", items: ref("Task"), description: "Newest first." },
    total: { ...count, description: "How many tasks match the filters, all pages together." },
    limit: { type: "integer", minimum: 1, maximum: 500 },
    offset: count
  }),
  Accepted: object(["id", "status", "position"], {
    id: text,
    status: { ...ref("TaskStatus"), description: "queued, or starting when a slot was free." },
    position: {
      ...count,
      description: "1 for the next task to start; 0 when it started at once (a free slot)."
    }
  }),
  Schedule: SCHEDULE,
  ScheduleList: object(["schedules"], { schedules: { type: "array", items: ref("Schedule") } }),
  StoredFile: STORED_FILE,
  FileList: object(["files"], {
    files: { type: "array", items: ref("StoredFile"), description: "Newest first." }
  }),
  ResultFiles: object(["files"], {
    files: {
      type: "array",
      items: object(["path", "size"], { path: text, size: count }),
      description: "Every file of the results, paths relative to the results folder, sorted."
    }
  }),
  SwarmNode: SWARM_NODE,
  Swarm: object(["engineVersion", "nodes", "queue"], {
    engineVersion: { type: "string" },
    nodes: { type: "array", items: ref("SwarmNode") },
    queue: QUEUE
  }),
  Ping: object(["status", "version"], { status: { const: "ok" }, version: text }),
  ClaimedSource: CLAIMED_SOURCE,
  HistoryRun: HISTORY_RUN,
  History: object(
    ["name", "owner", "plan", "ref", "limit", "runs"],
    {
      name: text,
      owner: { ...text, description: "Whose tasks: the caller's own unless an admin token named another." },
      plan: orNull(text),
      ref: orNull(text),
      limit: { type: "integer", minimum: 1, maximum: 100 },
      runs: {
        type: "array",
        items: ref("HistoryRun"),
        description: "Newest first; at most `limit` per plan (with `plan`: that plan only)."
      }
    },
    "The earlier runs a task of this name would be judged against with `baseline: auto`."
  )
};
var runEvent = (type, required, properties) => object(["type", ...required], { type: { const: type }, ...properties });
var EVENTS = {
  RunEvent: {
    description: "One event of the run itself (the same events `atq run` prints on its console).",
    oneOf: [
      runEvent("log", ["level", "message"], {
        level: { type: "string", enum: ["info", "warn"] },
        message: { type: "string" }
      }),
      runEvent("stage", ["stage", "phase"], {
        stage: text,
        phase: { type: "string", enum: ["start", "end"] },
        ms: { type: "number", minimum: 0 }
      }),
      runEvent("workers-ready", ["addresses"], { addresses: { type: "array", items: text } }),
      runEvent("progress", ["message"], { message: { type: "string" } }),
      runEvent("live", ["snapshot"], {
        snapshot: {
          type: "object",
          description: "Live statistics of the plan running, every progress-interval and once more at the plan's end: `plan`, `at` (epoch ms), `intervalMs`, `elapsedMs`, `threads`, `total` and `labels` (by label), each with `interval` and `cumulative` numbers (samples, errors, errorRate, throughput, p50Ms, p90Ms, p95Ms, p99Ms, meanMs), and `lag` (p50Ms, maxMs: how late the samples arrived)."
        }
      }),
      runEvent("auto-stop", ["plan", "criterion", "message", "elapsedMs"], {
        plan: text,
        criterion: text,
        message: { type: "string", description: 'What auto-stop saw: "stopped the run at 1m42s: ...".' },
        elapsedMs: { type: "number", minimum: 0, description: "When, in ms since the plan's first sample." }
      }),
      runEvent("output", ["source", "line"], { source: text, line: { type: "string" } }),
      runEvent("plan-finished", ["plan", "status"], {
        plan: text,
        status: text,
        samples: count,
        summary: { type: "object", description: "The plan's summary.json." }
      }),
      runEvent("verdict", ["verdict"], { verdict: ref("Verdict") })
    ]
  },
  TaskEvent: {
    description: "The data of one event of GET /api/task/{id}/events (its SSE `event:` field is the kind): `run` carries an event of the run (log lines, stages, progress, container output, verdict), `status` the task each time its status or queue position changes, `end` the task as it ended (the last event of the stream).",
    oneOf: [
      object(["kind", "event"], { kind: { const: "run" }, event: ref("RunEvent") }),
      object(["kind", "task"], { kind: { const: "status" }, task: ref("Task") }),
      object(["kind", "task"], { kind: { const: "end" }, task: ref("Task") })
    ]
  }
};
var DURATION = {
  oneOf: [
    {
      type: "string",
      pattern: "^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h))+)\\s*$",
      examples: ["30s", "5m", "1h30m"]
    },
    { type: "number", minimum: 0, description: "seconds" }
  ]
};
var CRON = {
  type: "string",
  pattern: "^\\s*\\S+(\\s+\\S+){4}\\s*$",
  examples: ["0 2 * * *"],
  description: "Run on this cron schedule (5 fields, the server's local time) instead of once: the answer is the schedule (201)."
};
var NAME = { type: "string", pattern: "\\S" };
var GATE = {
  oneOf: [
    { ...text, examples: ["p95 < 500ms", "error_rate < 1%", '"GET /login": p99 <= 1.2s'] },
    object(["metric", "op", "value"], {
      label: { type: "string" },
      metric: text,
      op: { type: "string", enum: ["<", "<=", ">", ">=", "=="] },
      value: { type: ["string", "number"] }
    })
  ]
};
var KEY_VALUE = { type: "string", pattern: "^[^=]+=", examples: ["users=10"] };
function fieldSchema(f2) {
  const about = { description: f2.help };
  switch (f2.kind) {
    case "string":
      return { ...text, ...f2.choices ? { enum: f2.choices } : {}, ...about };
    case "list":
      return { oneOf: [text, { type: "array", items: text }], ...about };
    case "int":
      return { type: "integer", ...f2.range ? { minimum: f2.range[0], maximum: f2.range[1] } : {}, ...about };
    case "bool":
      return { type: "boolean", ...about };
    case "duration":
      return { ...DURATION, ...about };
    case "size":
      return {
        oneOf: [{ type: "string", pattern: "^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG]?[bB]?)\\s*$" }, count],
        ...about
      };
    case "props":
      return {
        oneOf: [
          {
            type: "object",
            propertyNames: { pattern: "^[\\w.-]+$" },
            additionalProperties: { type: ["string", "number", "boolean", "null"] }
          },
          { type: "array", items: KEY_VALUE },
          KEY_VALUE
        ],
        ...about
      };
    case "criteria":
      return { oneOf: [GATE, { type: "array", items: GATE }], ...about };
    case "auto-stop":
      return {
        oneOf: [text, { type: "array", items: { oneOf: [text, { type: "object" }] } }],
        examples: [["error_rate > 50% for 30s", "p95 > 2s for 1m"], "off"],
        ...about
      };
    case "cpus":
      return {
        oneOf: [
          { type: "number", minimum: 0.01, maximum: 1024 },
          { type: "string", pattern: "^\\s*(\\d+(\\.\\d*)?|\\.\\d+)\\s*$" }
        ],
        ...about
      };
    case "memory":
      return {
        oneOf: [
          { type: "string", pattern: "^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgGtT][iI]?[bB]?|[bB])?\\s*$" },
          { ...count, minimum: 512 * 1024 ** 2 }
        ],
        ...about
      };
    case "wait":
      return {
        oneOf: [
          text,
          object(["command"], { command: text, "expected-result": text, timeout: DURATION, image: text })
        ],
        ...about
      };
  }
}
var TASK_SOURCE = "The commit, ref and CI run the client says it tested (atq run --server sends its own). Recorded as given and shown as its claim; `baseline: auto:REF` matches on the ref.";
var TASK_BASELINE = "A path inside the upload holding earlier runs' summary.json files (atq run --server ships a local --baseline there), or `auto`: this server's earlier finished tasks of the same name and plan, submitted with the same token, newest first, up to baseline-runs (none whose gates failed); `auto:REF` only those whose source ref is REF. With auto, baseline-missing defaults to skip (a first run has no history).";
var MONITOR_FIELD = FIELDS.find((f2) => f2.name === "monitor");
var TASK_MONITOR = `${MONITOR_FIELD.help}. On a server, only what its operator allows with atq serve --allow-monitor PATTERN (none by default; server/monitor-allow.ts): a name an allowed pattern matches, or a glob that is exactly one of them; at run time only the allowed services a glob matches are sampled. Anything else is refused (400, naming the flag).`;
function atqTask() {
  const options2 = FIELDS.filter((f2) => !SERVER_SET[f2.name]).map((f2) => [f2.name, fieldSchema(f2)]);
  return {
    type: "object",
    description: `A JMeter run: the files of an upload and the \`atq run\` options, named and valued as in atq.yml. Options the server sets itself are refused: ${Object.keys(SERVER_SET).join(", ")}.`,
    required: ["fileId"],
    properties: {
      fileId: FILE_ID,
      name: NAME,
      schedule: CRON,
      source: object([], SOURCE_FIELDS, TASK_SOURCE),
      ...Object.fromEntries(options2),
      baseline: { ...text, description: TASK_BASELINE },
      monitor: { ...fieldSchema(MONITOR_FIELD), description: TASK_MONITOR }
    },
    additionalProperties: false
  };
}
var ENV_NAME = "[A-Za-z_][A-Za-z0-9_]*";
var RESERVED = [...RESERVED_ENV];
var ENVIRONMENT = orNull({
  oneOf: [
    {
      type: "array",
      items: { type: "string", pattern: `^${ENV_NAME}=`, not: { pattern: `^(${RESERVED.join("|")})=` } }
    },
    {
      type: "object",
      propertyNames: { pattern: `^${ENV_NAME}$`, not: { enum: RESERVED } },
      additionalProperties: { type: ["string", "number", "boolean"] }
    }
  ]
});
var COLLECT = orNull({
  type: "array",
  maxItems: LIMITS.maxCollect,
  items: {
    type: "string",
    pattern: "^/+[^/]",
    not: { pattern: "(^|/)\\.\\.(/|$)" },
    examples: ["/out/result.txt"]
  },
  description: "Absolute paths in the master's container, copied into the task's results after it exits."
});
function seedService(role) {
  const replicas = role === "master" ? orNull({ const: 1, description: "A task has one master." }) : { type: "integer", minimum: 1, maximum: LIMITS.maxWorkers, description: "How many workers." };
  return {
    ...object(role === "master" ? ["image"] : ["image", "replicas"], {
      alias: orNull({ ...text, maxLength: 63 }),
      image: { type: "string", pattern: "^\\S+$", maxLength: 255, examples: ["alpine:3.20"] },
      args: orNull({
        type: "array",
        items: { type: "string" },
        description: "Arguments for the image's entrypoint."
      }),
      environment: ENVIRONMENT,
      replicas,
      fileId: orNull(FILE_ID),
      fileid: orNull(FILE_ID),
      tty: orNull({ type: "boolean", description: "Accepted and ignored." }),
      ...role === "master" ? { collect: COLLECT } : {}
    }),
    not: { required: ["fileId", "fileid"] },
    description: role === "master" ? "The master: it gets the workers' addresses in REMOTES and WORKER_CSV_VIPS (comma-separated)." : "The workers: a dnsrr service; an upload given by fileId appears under /atq/data/."
  };
}
var BODIES = {
  AtqTask: atqTask(),
  SeedTask: object(
    ["name", "master", "worker"],
    {
      name: { ...NAME, maxLength: 128 },
      schedule: CRON,
      delay: orNull({
        type: "integer",
        minimum: 0,
        maximum: LIMITS.maxDelaySeconds,
        description: "Seconds to wait after the workers are up."
      }),
      waitCommand: orNull(ref("SeedWaitCommand")),
      master: ref("SeedMaster"),
      worker: ref("SeedWorker"),
      collect: COLLECT
    },
    "The seed's own task payload: any master/worker tool, as the original ATQ service documented it."
  ),
  SeedWaitCommand: object(
    ["command"],
    {
      command: { ...text, maxLength: 4096 },
      expectedResult: orNull({
        type: "string",
        description: 'The trimmed output must equal it; "" or absent: exit 0 is enough.'
      }),
      timeout: orNull({
        type: "integer",
        minimum: 1,
        maximum: LIMITS.maxWaitSeconds,
        description: "Seconds for all attempts (default 60)."
      })
    },
    "A shell command that must succeed on the run network before the master starts."
  ),
  SeedMaster: seedService("master"),
  SeedWorker: seedService("worker")
};
var inPath = (name, description) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: text
});
var inQuery = (name, description, schema) => ({
  name,
  in: "query",
  description,
  schema
});
var PARAMETERS = {
  TaskId: inPath("id", "The id PUT /api/task answered."),
  ScheduleId: inPath("id", "The id of the schedule (PUT /api/task with schedule answered it)."),
  FileId: { ...inPath("id", "The id POST /api/databind/upload answered."), schema: FILE_ID },
  ResultPath: inPath(
    "path",
    "A path inside the results, slashes included (e.g. logs/master.log, report.html)."
  ),
  Status: {
    ...inQuery("status", "Only tasks in these statuses (comma-separated).", {
      type: "array",
      items: ref("TaskStatus")
    }),
    style: "form",
    explode: false
  },
  Owner: inQuery("owner", "Only tasks submitted with this token name.", text),
  HistoryName: {
    ...inQuery("name", "The name of the tasks (as PUT /api/task named them).", text),
    required: true
  },
  HistoryPlan: inQuery("plan", "Only this plan (its path in the upload, as the run's summary names it).", {
    ...text,
    maxLength: 1024
  }),
  HistoryRef: inQuery("ref", "Only tasks whose source (as their client claimed it) has this ref.", {
    type: "string",
    pattern: "^[^\\s\\x00-\\x1f\\x7f]{1,255}$"
  }),
  HistoryOwner: inQuery(
    "owner",
    "Whose tasks (default: the caller's own); another token's only for an admin token.",
    text
  ),
  HistoryLimit: inQuery("limit", "Runs per plan (default 10, as baseline-runs).", {
    type: "integer",
    minimum: 1,
    maximum: 100,
    default: 10
  }),
  Schedule: inQuery("schedule", "Only tasks queued by this schedule.", text),
  Limit: inQuery("limit", "Page size (default 50).", {
    type: "integer",
    minimum: 1,
    maximum: 500,
    default: 50
  }),
  Offset: inQuery("offset", "How many tasks to skip, newest first (default 0).", {
    ...count,
    maximum: 1e9,
    default: 0
  }),
  After: inQuery(
    "after",
    "Only events after this id (as Last-Event-ID, for clients that cannot set headers).",
    count
  ),
  LastEventId: {
    name: "Last-Event-ID",
    in: "header",
    description: "Sent by an EventSource that reconnects: only the events after this id are sent.",
    schema: count
  },
  FileName: {
    name: "X-File-Name",
    in: "header",
    description: "The archive's file name, for a raw body.",
    schema: text
  }
};
var param = (name) => ({ $ref: `#/components/parameters/${name}` });
var jsonBody = (schema, description, headers) => ({
  description,
  ...headers ? { headers } : {},
  content: { "application/json": { schema } }
});
var LOCATION = { Location: { description: "Where the created resource is.", schema: text } };
var failure = (description, headers) => jsonBody(ref("Error"), description, headers);
var ERROR_RESPONSES = {
  "400": failure("The request is invalid: `problems` lists every problem, each naming its field."),
  "401": failure("No token, or a token this server does not know.", {
    "WWW-Authenticate": {
      description: "Bearer; Basic on routes for browsers (the token as the password).",
      schema: text
    }
  }),
  "403": failure(
    "Refused: cancelling or removing what another token submitted or uploaded, or reading its history (NOT_OWNER), or a change sent from another site's page (CROSS_SITE)."
  ),
  "404": failure("No such task, schedule, upload, result file or endpoint."),
  "405": failure("The path exists, not with this method.", {
    Allow: { description: "The methods it takes.", schema: text }
  }),
  "409": failure(
    "The task has already ended, the upload is used by a task that has not, or it was removed while a task naming it was checked (FILE_REMOVED)."
  ),
  "421": failure(
    "A server without tokens answers only to its loopback address (the Host header named another)."
  ),
  "413": failure("The body is larger than the server accepts (--max-upload; 1 MB for a task)."),
  "429": failure("The token already has the most tasks waiting that the server allows (--max-queued)."),
  "500": failure("The server failed (a bug: report it with the message)."),
  "503": failure("The swarm cannot be reached, or the engine is not a swarm manager.")
};
var ACCESS = { open: [], browser: [{ bearer: [] }, { basic: [] }] };
function operation(o) {
  const codes = [.../* @__PURE__ */ new Set([...o.errors ?? [], ...o.access === "open" ? [] : [401], 421, 500])].sort(
    (a, b2) => a - b2
  );
  return {
    operationId: o.id,
    tags: [o.tag],
    summary: o.summary,
    ...o.description ? { description: o.description } : {},
    ...o.access ? { security: ACCESS[o.access] } : {},
    ...o.parameters ? { parameters: o.parameters.map(param) } : {},
    ...o.requestBody ? { requestBody: o.requestBody } : {},
    responses: {
      ...o.ok,
      ...Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/${c}` }]))
    }
  };
}
var TASK_BODY = {
  required: true,
  description: "ATQ's form (fileId + `atq run` options) or the seed's form (told apart by master/worker).",
  content: { "application/json": { schema: { oneOf: [ref("AtqTask"), ref("SeedTask")] } } }
};
var taskPaths = () => ({
  "/api/task": {
    put: operation({
      id: "submitTask",
      tag: "tasks",
      summary: "Queue a task (or, with schedule, create a schedule)",
      description: "Everything is checked now: a task that could not run is refused with 400 listing every problem.",
      requestBody: TASK_BODY,
      ok: {
        "202": jsonBody(ref("Accepted"), "Queued; follow it at Location.", LOCATION),
        "201": jsonBody(ref("Schedule"), "A schedule: each due time queues a copy of the task.", LOCATION)
      },
      errors: [403, 400, 409, 413, 429]
    }),
    get: operation({
      id: "listTasks",
      tag: "tasks",
      summary: "Tasks, newest first",
      parameters: ["Status", "Owner", "Schedule", "Limit", "Offset"],
      ok: { "200": jsonBody(ref("TaskList"), "One page of tasks.") },
      errors: [400]
    })
  },
  "/api/task/{id}": {
    parameters: [param("TaskId")],
    get: operation({
      id: "getTask",
      tag: "tasks",
      summary: "A task: status, queue position, stage timings, progress, verdict, error",
      ok: { "200": jsonBody(ref("Task"), "The task.") },
      errors: [404]
    }),
    delete: operation({
      id: "cancelTask",
      tag: "tasks",
      summary: "Cancel a task",
      ok: {
        "200": jsonBody(ref("Task"), "It was queued: it left the queue (cancelled)."),
        "202": jsonBody(
          ref("Task"),
          "It was running: it is being aborted and cleaned up; follow its events."
        )
      },
      errors: [403, 404, 409]
    })
  },
  "/api/task/{id}/events": {
    parameters: [param("TaskId")],
    get: operation({
      id: "taskEvents",
      tag: "tasks",
      summary: "The task's events (Server-Sent Events): its whole story so far, then live until it ends",
      parameters: ["LastEventId", "After"],
      ok: {
        "200": {
          description: 'text/event-stream. Each event has a numeric `id:`, an `event:` of run, status or end, and one line of `data:` holding a TaskEvent (components/schemas/TaskEvent) as JSON. Lines starting with ":" keep the connection alive. The stream closes after the `end` event; reconnect with Last-Event-ID to resume.',
          content: { "text/event-stream": { schema: { type: "string" } } }
        }
      },
      errors: [404]
    })
  }
});
var resultAndSchedulePaths = () => ({
  "/api/task/{id}/results": {
    parameters: [param("TaskId")],
    get: operation({
      id: "listResults",
      tag: "results",
      summary: "The files of a task's results",
      ok: { "200": jsonBody(ref("ResultFiles"), "Empty until the task has started.") },
      errors: [404]
    })
  },
  "/api/task/{id}/results/{path}": {
    parameters: [param("TaskId"), param("ResultPath")],
    get: operation({
      id: "getResult",
      tag: "results",
      summary: "One result file: results.jtl, summary.json, report.html and report.css, junit.xml, run.json, logs/\u2026",
      description: "HEAD works too. Paths cannot leave the task's folder (links included).",
      access: "browser",
      ok: { "200": { description: "The file, typed by its extension.", content: { "*/*": {} } } },
      errors: [404]
    })
  },
  "/api/history": {
    get: operation({
      id: "history",
      tag: "results",
      summary: "The history a task of this name would be judged against (`baseline: auto`), newest first",
      description: "The caller's own finished tasks of that name (none whose gates failed) with a summary of the plan, each with its run id, times, claimed source, verdict and whole-run p95, error rate, throughput, samples.",
      parameters: ["HistoryName", "HistoryPlan", "HistoryRef", "HistoryOwner", "HistoryLimit"],
      ok: { "200": jsonBody(ref("History"), "The history; runs is empty when there is none.") },
      errors: [400, 403]
    })
  },
  "/api/schedule": {
    get: operation({
      id: "listSchedules",
      tag: "schedules",
      summary: "Schedules and their next run",
      ok: { "200": jsonBody(ref("ScheduleList"), "Every schedule, oldest first.") }
    })
  },
  "/api/schedule/{id}": {
    parameters: [param("ScheduleId")],
    delete: operation({
      id: "removeSchedule",
      tag: "schedules",
      summary: "Remove a schedule (the tasks it queued stay)",
      ok: { "204": { description: "Removed." } },
      errors: [403, 404]
    })
  }
});
var UPLOAD_BODY = {
  required: true,
  description: "A zip or tar.gz of plans and data: as the `file` field of a form, or as the body itself.",
  content: {
    "multipart/form-data": {
      schema: {
        type: "object",
        required: ["file"],
        properties: { file: { type: "string", contentMediaType: "application/octet-stream" } }
      }
    },
    "application/zip": {},
    "application/gzip": {},
    "application/octet-stream": {}
  }
};
var fileAndSwarmPaths = () => ({
  "/api/databind/upload": {
    post: operation({
      id: "upload",
      tag: "files",
      summary: "Upload plans and data",
      description: "Entries leaving the root, links, and too many or too large entries are refused (400).",
      parameters: ["FileName"],
      requestBody: UPLOAD_BODY,
      ok: { "201": jsonBody(ref("StoredFile"), "Stored; give its id as a task's fileId.", LOCATION) },
      errors: [403, 400, 413]
    })
  },
  "/api/databind/list": {
    get: operation({
      id: "listUploads",
      tag: "files",
      summary: "The token's own uploads (an admin token's: every one), newest first",
      ok: { "200": jsonBody(ref("FileList"), "The uploads.") }
    })
  },
  "/api/databind/{id}": {
    parameters: [param("FileId")],
    delete: operation({
      id: "removeUpload",
      tag: "files",
      summary: "Remove an upload",
      ok: { "204": { description: "Removed." } },
      errors: [403, 404, 409]
    })
  },
  "/api/swarm": {
    get: operation({
      id: "swarm",
      tag: "server",
      summary: "The swarm's nodes and the queue (never join tokens)",
      ok: { "200": jsonBody(ref("Swarm"), "The cluster.") },
      errors: [503]
    })
  },
  "/api/monitoring/ping": {
    get: operation({
      id: "ping",
      tag: "server",
      summary: "Health check",
      access: "open",
      ok: { "200": jsonBody(ref("Ping"), "The server answers.") }
    })
  }
});
var metaPaths = () => ({
  "/api/openapi.json": {
    get: operation({
      id: "openapi",
      tag: "server",
      summary: "This document",
      access: "open",
      ok: {
        "200": jsonBody(
          {
            type: "object",
            required: ["openapi", "info", "paths", "components"],
            properties: { openapi: { const: "3.1.0" } }
          },
          "OpenAPI 3.1."
        )
      }
    })
  },
  "/": {
    get: operation({
      id: "page",
      tag: "server",
      summary: "The tasks as a web page (server-rendered, no JavaScript)",
      access: "browser",
      parameters: ["Limit", "Offset"],
      ok: {
        "200": {
          description: "HTML: the queue, the schedules and one page of tasks with links to their results.",
          content: { "text/html": { schema: { type: "string" } } }
        }
      },
      errors: [400]
    })
  }
});
var OPENAPI = {
  openapi: "3.1.0",
  jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
  info: {
    title: "atq serve",
    // The served copy carries the server's version (GET /api/openapi.json).
    version: "unknown",
    description: 'A queue of load tests in front of a Docker Swarm: upload plans and data, submit tasks (JMeter through `atq run`, or any master/worker tool in the seed\'s form), follow them, fetch their results. At most --concurrency tasks run at once; the rest wait, first in first out. Every request needs "Authorization: Bearer <token>" unless the server listens on loopback without --tokens.'
  },
  tags: [
    { name: "tasks" },
    { name: "results" },
    { name: "schedules" },
    { name: "files" },
    { name: "server" }
  ],
  security: [{ bearer: [] }],
  paths: { ...taskPaths(), ...resultAndSchedulePaths(), ...fileAndSwarmPaths(), ...metaPaths() },
  components: {
    schemas: { ...ANSWERS, ...EVENTS, ...BODIES },
    parameters: PARAMETERS,
    responses: ERROR_RESPONSES,
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "A token from atq serve --add-token." },
      basic: {
        type: "http",
        scheme: "basic",
        description: "For browsers: any user name, the token as the password."
      }
    }
  }
};
function openApiRoutes(ctx) {
  return [
    {
      method: "GET",
      path: "/api/openapi.json",
      open: true,
      handler: ({ res }) => sendJson(res, 200, { ...OPENAPI, info: { ...OPENAPI.info, version: ctx.version } })
    }
  ];
}

// src/server/page.ts
import { createHash as createHash2 } from "node:crypto";
import { readdir as readdir3, stat } from "node:fs/promises";
import path6 from "node:path";
var CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.3rem;margin:0 0 .5rem}h2{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
td{overflow-wrap:anywhere}.nw,.badge{white-space:nowrap}td.task{min-width:8em}td.owner{min-width:6em}td.stages,td.links{min-width:8em}td.error{min-width:12em}
th{background:#f6f8fa;font-weight:600}code,.id{font-family:ui-monospace,monospace;font-size:.85em}
.id{color:#59636e;display:block}.muted{color:#59636e}.links a{margin-right:.5rem;display:inline-block}
.badge{font-weight:600;padding:0 .3rem;border-radius:3px}
.s-queued,.s-starting{background:#eaeef2}.s-running,.s-collecting{background:#ddf4ff}
.s-finished,.v-passed{background:#dafbe1}.s-failed,.v-failed{background:#ffebe9}.s-cancelled,.v-skipped,.v-inconclusive{background:#fff8c5}
.error summary{cursor:pointer}.error pre{white-space:pre-wrap;margin:.3rem 0}
nav.pages{margin:.8rem 0}nav.pages a,nav.pages span{margin-right:1rem}
footer{margin-top:1.5rem;color:#59636e;font-size:.85em}
`;
var PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash2("sha256").update(CSS).digest("base64")}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ");
var STATUSES = TASK_STATUSES;
var VERDICTS = ["passed", "failed", "inconclusive", "skipped", "no-gates"];
var e = (value) => escapeHtml(String(value ?? ""));
var taskHref = (id, rest = "") => `/api/task/${encodeURIComponent(id)}${rest}`;
function when(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}
function timeCell(iso) {
  const [date, time2] = when(iso).split(" ");
  return date ? `<span class="nw">${e(date)}</span> <span class="nw">${e(time2)}</span>` : "";
}
function stagesSummary(task) {
  const parts = Object.entries(task.stages).map(([stage, ms]) => `${stage} ${formatDuration(ms)}`);
  const total = task.startedAt && task.finishedAt ? Date.parse(task.finishedAt) - Date.parse(task.startedAt) : Number.NaN;
  if (Number.isFinite(total) && total >= 0) parts.push(`total ${formatDuration(total)}`);
  return parts.join(", ");
}
function statusCell(t) {
  const status = STATUSES.includes(t.status) ? t.status : "unknown";
  const extra = t.status === "queued" && t.position > 0 ? `<br><span class="muted">#${e(t.position)} in the queue</span>` : t.progress && !["finished", "failed", "cancelled"].includes(t.status) ? `<br><span class="muted">${e(t.progress)}</span>` : "";
  return `<span class="badge s-${status}">${e(t.status)}</span>${extra}`;
}
function verdictCell(t) {
  const notes = [
    t.autoStop && `<br><span class="muted">auto-stopped: ${e(t.autoStop.message)}</span>`,
    t.unreliable && `<br><span class="muted">unreliable: generator saturated (${e(t.unreliable.workers.join(", "))})</span>`
  ].filter(Boolean);
  if (!t.verdict) return notes.join("").replace(/^<br>/, "");
  const cls = VERDICTS.includes(t.verdict) ? ` v-${t.verdict}` : "";
  return `<span class="badge${cls}">${e(t.verdict)}</span>${notes.join("")}`;
}
function errorCell(t) {
  if (!t.error) return "";
  const [first, ...rest] = t.error.message.split("\n");
  const head = `<code>${e(t.error.code)}</code> ${e(first)}`;
  if (!rest.join("").trim()) return `<span class="error">${head}</span>`;
  return `<details class="error"><summary>${head}</summary><pre>${e(rest.join("\n"))}</pre></details>`;
}
function linksCell(t) {
  const links = [
    { label: "task", href: taskHref(t.id) },
    { label: "events", href: taskHref(t.id, "/events") },
    ...t.results
  ];
  return links.map((l) => `<a href="${e(l.href)}">${e(l.label)}</a>`).join(" ");
}
function taskRow(t) {
  const name = t.name ? `<strong>${e(t.name)}</strong>` : '<span class="muted">(no name)</span>';
  const cells = [
    ["task", `${name}<span class="id">${e(t.id)}</span>`],
    ["kind", e(t.kind)],
    ["status", statusCell(t)],
    ["owner", e(t.owner)],
    ["created", timeCell(t.createdAt)],
    ["started", timeCell(t.startedAt)],
    ["finished", timeCell(t.finishedAt)],
    ["stages", e(stagesSummary(t))],
    ["verdict", verdictCell(t)],
    ["error", errorCell(t)],
    ["links", linksCell(t)]
  ];
  return `<tr data-task="${e(t.id)}">${cells.map(([c, html]) => `<td class="${c}">${html}</td>`).join("")}</tr>`;
}
var REFRESH_SECONDS = 10;
var isBusy2 = (data) => data.queue.running + data.queue.queued > 0;
function queueSection(data) {
  const { running, queued, concurrency } = data.queue;
  const schedules = data.schedules.length ? `<table class="schedules"><thead><tr><th>Schedule</th><th>Cron</th><th>Next run</th><th>Owner</th></tr></thead><tbody>${data.schedules.map(
    (s) => `<tr><td>${s.name ? `${e(s.name)} ` : ""}<span class="id">${e(s.id)}</span></td><td><code>${e(s.cron)}</code></td><td>${e(when(s.nextRun))}</td><td>${e(s.owner)}</td></tr>`
  ).join("")}</tbody></table>` : '<p class="muted">No schedules.</p>';
  const refresh = isBusy2(data) ? ` \xB7 <span class="muted">this page reloads every ${REFRESH_SECONDS} s until the queue is idle</span>` : "";
  return `<p class="queue">Running <strong>${e(running)}</strong> of ${e(concurrency)} at once \xB7 <strong>${e(queued)}</strong> queued${refresh}</p><h2>Schedules</h2>${schedules}`;
}
function pager(data) {
  const { total, limit, offset } = data;
  const link2 = (o, label) => `<a href="/?offset=${o}&amp;limit=${limit}">${label}</a>`;
  const shown = data.tasks.length ? `${offset + 1}\u2013${offset + data.tasks.length} of ${total}` : `none of ${total}`;
  const newer = offset > 0 ? link2(Math.max(0, offset - limit), "\u2190 newer") : "";
  const older = offset + limit < total ? link2(offset + limit, "older \u2192") : "";
  return `<nav class="pages">${newer}<span>${shown}</span>${older}</nav>`;
}
var HEADINGS = [
  "Task",
  "Kind",
  "Status",
  "Owner",
  "Created",
  "Started",
  "Finished",
  "Stages",
  "Verdict",
  "Error",
  "Links"
];
function renderPage(data) {
  const rows = data.tasks.length ? data.tasks.map(taskRow).join("\n") : `<tr><td colspan="${HEADINGS.length}" class="muted">No tasks yet: PUT /api/task, or atq run --server.</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${isBusy2(data) ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
` : ""}<title>atq serve</title><style>${CSS}</style></head>
<body><header><h1>atq serve</h1>${queueSection(data)}</header>
<main><h2>Tasks</h2><table class="tasks"><thead><tr>${HEADINGS.map((h2) => `<th>${h2}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody></table>${pager(data)}</main>
<footer>atq ${e(data.version)} \xB7 <a href="/api/openapi.json">API (OpenAPI)</a></footer></body></html>
`;
}
var REPORT_FILES = ["report.html", "summary.json", "junit.xml"];
async function isFile(file) {
  return stat(file).then(
    (s) => s.isFile(),
    () => false
  );
}
var resultHref = (id, rel) => taskHref(id, `/results/${rel.split("/").map(encodeURIComponent).join("/")}`);
async function resultLinks(task) {
  const dir = task.outDir;
  if (!dir) return [];
  const links = [{ label: "files", href: taskHref(task.id, "/results") }];
  const subdirs = (await readdir3(dir, { withFileTypes: true }).catch(() => [])).filter((d2) => d2.isDirectory() && d2.name !== "logs").map((d2) => d2.name).sort();
  for (const folder of ["", ...subdirs]) {
    for (const name of REPORT_FILES) {
      const rel = folder ? `${folder}/${name}` : name;
      if (await isFile(path6.join(dir, rel)))
        links.push({ label: folder ? `${folder}: ${name}` : name, href: resultHref(task.id, rel) });
    }
  }
  if (await isFile(path6.join(dir, "run.json")))
    links.push({ label: "run.json", href: resultHref(task.id, "run.json") });
  return links;
}
async function pageData(ctx, limit, offset) {
  const { tasks, total } = ctx.store.tasks({ limit, offset });
  return {
    version: ctx.version,
    tasks: await Promise.all(
      tasks.map(async (t) => ({ ...ctx.queue.view(t), results: await resultLinks(t) }))
    ),
    total,
    limit,
    offset,
    queue: {
      running: ctx.queue.activeCount,
      queued: ctx.store.queued().length,
      concurrency: ctx.options.concurrency
    },
    schedules: ctx.store.schedules()
  };
}
var PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": PAGE_CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
};
function pageRoutes(ctx) {
  return [
    {
      method: "GET",
      path: "/",
      browser: true,
      handler: async ({ req, res, url }) => {
        const limit = intParam(url, "limit", 50, [1, 500]);
        const offset = intParam(url, "offset", 0, [0, 1e9]);
        const html = renderPage(await pageData(ctx, limit, offset));
        res.writeHead(200, { ...PAGE_HEADERS, "content-length": Buffer.byteLength(html) });
        res.end(req.method === "HEAD" ? void 0 : html);
      }
    }
  ];
}

// src/server/queue.ts
import path14 from "node:path";

// src/server/runner.ts
import { rm as rm4 } from "node:fs/promises";
import path12 from "node:path";

// src/core/generic/files.ts
import { lstat, readdir as readdir4, readFile as readFile3 } from "node:fs/promises";
import path7 from "node:path";
async function listUploads(spec, resolve) {
  const ids = [...new Set([spec.master.fileId, spec.worker.fileId].filter((id) => !!id))];
  const listed = /* @__PURE__ */ new Map();
  for (const id of ids) listed.set(id, await uploadFiles(id, resolve));
  return listed;
}
async function shipFiles(client, res, spec, uploads) {
  const mounts = /* @__PURE__ */ new Map();
  let n2 = 0;
  for (const [id, files] of uploads) {
    const made = [];
    for (const f2 of files) {
      const name = serviceName(res.runId, `data-${String(++n2).padStart(3, "0")}`);
      const configId = await client.createConfig(name, await readFile3(f2.abs), res.labels("data"));
      res.track("config", configId, name, "data");
      made.push({ id: configId, name, target: path7.posix.join(DATA_DIR, f2.rel) });
    }
    mounts.set(id, made);
  }
  const of = (fileId) => fileId ? mounts.get(fileId) ?? [] : [];
  return { master: of(spec.master.fileId), worker: of(spec.worker.fileId) };
}
async function uploadFiles(fileId, resolve) {
  const folder = resolve ? await resolve(fileId) : void 0;
  if (!folder) throw unknownUpload(fileId);
  const files = await walk(folder, "").catch((e2) => {
    if (e2.code === "ENOENT") throw unknownUpload(fileId);
    throw e2;
  });
  const big = files.find((f2) => f2.size > LIMITS.maxFileBytes);
  if (big) {
    throw tooLarge2(
      fileId,
      `${big.rel} is ${big.size} bytes; each file is mounted as one Swarm config, and Docker Engine 20.10 refuses configs over ${LIMITS.maxFileBytes / 1024} KiB (${LIMITS.maxFileBytes} bytes)`,
      { file: big.rel, size: big.size, limit: LIMITS.maxFileBytes }
    );
  }
  if (files.length > LIMITS.maxFiles) {
    throw tooLarge2(fileId, `it has ${files.length} files; at most ${LIMITS.maxFiles} can be mounted`, {
      files: files.length,
      limit: LIMITS.maxFiles
    });
  }
  const total = files.reduce((sum, f2) => sum + f2.size, 0);
  if (total > LIMITS.maxTotalFileBytes) {
    throw tooLarge2(
      fileId,
      `its files add up to ${total} bytes; at most ${LIMITS.maxTotalFileBytes / 1024 / 1024} MiB go into the swarm's store per task`,
      { total, limit: LIMITS.maxTotalFileBytes }
    );
  }
  return files;
}
function unknownUpload(fileId) {
  return new AtqError(
    "FILE_UNKNOWN",
    `No upload has the id ${JSON.stringify(fileId)}: it was deleted or never uploaded. Upload the files again (POST /api/databind/upload) and submit the task with the new id.`,
    { fileId }
  );
}
function tooLarge2(fileId, what, details) {
  return new AtqError(
    "BUNDLE_TOO_LARGE",
    `The upload ${JSON.stringify(fileId)} cannot be mounted: ${what}. Split or compress large files, or build them into the image.`,
    { fileId, ...details }
  );
}
async function walk(root, rel) {
  const out = [];
  const entries = await readdir4(path7.join(root, rel), { withFileTypes: true });
  for (const e2 of entries.sort((a, b2) => a.name.localeCompare(b2.name))) {
    const r = rel ? `${rel}/${e2.name}` : e2.name;
    const abs = path7.join(root, r);
    if (e2.isDirectory()) out.push(...await walk(root, r));
    else if (e2.isFile()) out.push({ rel: r, abs, size: (await lstat(abs)).size });
    else {
      throw new AtqError(
        "BUNDLE_INVALID",
        `The upload's ${r} is not a regular file (a link or device); only files and folders can be mounted.`,
        { file: r }
      );
    }
  }
  return out;
}

// src/core/generic/context.ts
function sourceName(ctx, role) {
  return ctx.spec[role].alias ?? role;
}

// src/core/generic/collect.ts
import path8 from "node:path";
var COLLECTED_DIR = "collected";
async function collectPaths(ctx, task, outDir, required) {
  const paths2 = ctx.spec.collect;
  if (!paths2.length) return [];
  if (!task?.containerId) {
    if (required) throw missing(paths2[0], "the master has no container");
    return [];
  }
  const written = [];
  for (const p2 of paths2) {
    try {
      written.push(...await copyOut(ctx, task.containerId, p2, outDir));
    } catch (e2) {
      const notThere = isAtqError(e2) && e2.details.status === 404;
      if (required && notThere) throw missing(p2, "no such file or folder in the master container");
      if (required) throw e2;
      ctx.logger.warn(`could not collect ${p2}: ${notThere ? "not there" : errorMessage(e2)}`);
    }
  }
  return written;
}
function missing(p2, why) {
  return new AtqError(
    "RESULTS_MISSING",
    `The master exited 0 but ${p2} could not be collected: ${why}. Check the path in "collect" (an absolute path in the master container) and that the master writes it.`,
    { path: p2 }
  );
}
async function copyOut(ctx, containerId, p2, outDir) {
  const root = path8.resolve(outDir, COLLECTED_DIR);
  const base = path8.join(root, path8.posix.dirname(p2));
  const allowed = path8.join(root, p2);
  const archive = await ctx.client.getArchive(containerId, p2);
  const written = await extractTar(archive, {
    target: (name) => {
      const target = path8.resolve(base, name);
      const inside = target === allowed || target.startsWith(allowed + path8.sep);
      return inside ? { path: target } : { why: "outside the collected path" };
    },
    // Kept even when empty: an empty output folder says something too.
    keepDirs: true,
    onSkip: (name, why) => ctx.logger.warn(`collect ${p2}: skipped ${name} (${why})`),
    maxBytes: Math.min(LIMITS.collectBytes, ctx.limits?.resultBytes ?? Infinity)
  });
  return written.map((w) => path8.relative(outDir, w).split(path8.sep).join("/"));
}

// src/core/generic/finish.ts
var ALLOW = {
  stop: { normalMs: 15e3, afterCancelMs: 2e3 },
  collect: { normalMs: 12e4, afterCancelMs: 4500 },
  logs: { normalMs: 3e4, afterCancelMs: 5500 }
};
async function finishGeneric(state) {
  const { report, clock, logger } = state;
  if (state.failure !== void 0) state.error = await classify(state);
  await Promise.all(state.followers.map((f2) => f2.stop()));
  await clock.stage("collect", () => collect(state));
  const error = state.error;
  report.status = statusOf(error);
  if (error) report.error = { code: error.code, message: error.message };
  await writeRunJson(report, logger);
  if (state.resources) report.cleanup = await clock.stage("cleanup", () => disposeAll(state, "task"));
  report.endedAt = (/* @__PURE__ */ new Date()).toISOString();
  await writeRunJson(report, logger);
  return { report, error };
}
async function collect(state) {
  const { ctx, report, control, deps, logger } = state;
  if (!ctx) return;
  const required = !state.error && report.status === "succeeded";
  try {
    const task = state.masterTask ?? (state.masterId ? (await ctx.client.tasks(state.masterId).catch(() => [])).at(-1) : void 0);
    if (!state.masterTask && task?.containerId && !FINAL_STATES.has(task.state))
      await stopMaster(state, task.containerId);
    const copying = collectPaths(ctx, task, deps.outDir, required);
    const done = await until(control.deadline(ALLOW.collect.normalMs, ALLOW.collect.afterCancelMs), copying);
    if (done) report.collected = done.value;
    else logger.warn("stopped copying the collect paths: no time left");
  } catch (e2) {
    state.error ??= isAtqError(e2) ? e2 : new AtqError("RESULTS_MISSING", errorMessage(e2), {}, { cause: e2 });
  }
  const logs = saveLogs(state);
  if (!await until(control.deadline(ALLOW.logs.normalMs, ALLOW.logs.afterCancelMs), logs)) {
    logger.warn("stopped saving the logs: no time left");
  }
}
async function stopMaster(state, containerId) {
  const { ctx, control, logger } = state;
  if (!ctx || ctx.client.unreachableSince !== void 0) return;
  logger.info("stopping the master (SIGTERM) before copying its files...");
  const graceSeconds = control.cancelled ? 1 : 10;
  const stopping = ctx.client.stopContainer(containerId, graceSeconds).catch((e2) => {
    logger.warn(`could not stop the master: ${errorMessage(e2)}; copying its files as they are`);
  });
  if (!await until(control.deadline(ALLOW.stop.normalMs, ALLOW.stop.afterCancelMs), stopping))
    logger.warn("the master did not stop in time; copying its files as they are");
}
async function saveLogs(state) {
  const { ctx, deps } = state;
  if (!ctx) return;
  const entries = [
    { name: "master", kind: "service", id: state.masterId },
    { name: "workers", kind: "service", id: state.workersId }
  ];
  await collectLogs(
    ctx,
    deps.outDir,
    entries.filter((e2) => Boolean(e2.id)),
    deps.limits?.logBytes
  );
}

// src/core/generic/master.ts
async function startGenericMaster(ctx, addresses) {
  const m2 = ctx.spec.master;
  const name = serviceName(ctx.runId, "master");
  const csv = addresses.join(",");
  const id = await ctx.client.createService({
    name,
    image: m2.image,
    labels: ctx.resources.labels("master"),
    command: [],
    args: m2.args,
    env: { ...m2.env, REMOTES: csv, WORKER_CSV_VIPS: csv },
    replicas: 1,
    networks: [ctx.network.id],
    configs: ctx.mounts.master,
    secrets: [],
    hostname: "{{.Service.Name}}",
    constraints: [`node.id==${ctx.nodeId}`]
  });
  ctx.resources.track("service", id, name);
  return id;
}
async function waitForGenericMaster(ctx, serviceId, onRunning) {
  return pollMasterTask(
    {
      client: ctx.client,
      deadline: ctx.deadline,
      signal: ctx.signal,
      during: "the master was running",
      timeoutMs: ctx.timeoutMs,
      pace: ctx.control.pace
    },
    serviceId,
    onRunning
  );
}
async function checkMasterExit(ctx, serviceId, task) {
  if (task.state === "complete" && task.exitCode === 0) return;
  const output = tail(await readLogs(ctx.client, "service", serviceId, 200), 20);
  const shown = output ? `
Last output:
${indent(output)}` : "\n(the master printed nothing)";
  if (task.exitCode === void 0 || !task.containerId) {
    throw new AtqError(
      "GENERIC_MASTER_FAILED",
      `The master could not run: its task is ${task.state}${task.error ? `: ${task.error}` : ""}. Check that the image ${ctx.spec.master.image} exists on the manager node and that its args name a command it has.${shown}`,
      { state: task.state, error: task.error }
    );
  }
  throw new AtqError(
    "GENERIC_MASTER_FAILED",
    `The master exited with code ${task.exitCode}${exitCodeHint(task.exitCode)}.${shown}`,
    { exitCode: task.exitCode, state: task.state }
  );
}

// src/core/generic/output.ts
function followService(ctx, serviceId, source) {
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, ctx.signal]);
  const done = (async () => {
    try {
      for await (const { stream, line } of ctx.client.logs("service", serviceId, { follow: true, signal })) {
        ctx.logger.output(source, stream === "stdout" ? line : `[${stream}] ${line}`);
      }
    } catch (e2) {
      if (!signal.aborted) ctx.logger.warn(`stopped following the output of ${source}: ${errorMessage(e2)}`);
    }
  })();
  return {
    async stop(graceMs = 0) {
      if (graceMs > 0) await within(graceMs, done);
      stop.abort();
      await within(1e3, done);
    }
  };
}

// src/core/generic/workers.ts
var WORKERS_READY_MS = 5 * 6e4;
async function startGenericWorkers(ctx) {
  const w = ctx.spec.worker;
  const name = serviceName(ctx.runId, "workers");
  const id = await ctx.client.createService({
    name,
    image: w.image,
    labels: ctx.resources.labels("workers"),
    command: [],
    args: w.args,
    env: w.env,
    replicas: w.replicas,
    networks: [ctx.network.id],
    configs: ctx.mounts.worker,
    secrets: [],
    hostname: "{{.Service.Name}}-{{.Task.Slot}}"
  });
  ctx.resources.track("service", id, name);
  return id;
}
async function failIfEnded(ctx, tasks) {
  const dead = tasks.filter((t) => FINAL_STATES.has(t.state));
  if (!dead.length) return;
  throw new AtqError(
    "WORKERS_NOT_READY",
    `${dead.length} of ${ctx.spec.worker.replicas} worker(s) ended before the master started:
${await explainWorkers(ctx, dead)}
Workers must keep running (serve) until the master is done; check the image ${ctx.spec.worker.image} and its args.`,
    { tasks: dead }
  );
}
async function waitForGenericWorkers(ctx, serviceId) {
  const want = ctx.spec.worker.replicas;
  const started = Date.now();
  let last = [];
  let reported = "";
  return pollUntil({
    deadline: Math.min(started + WORKERS_READY_MS, ctx.deadline),
    intervalMs: 500,
    signal: ctx.signal,
    check: async () => {
      last = currentTasks(await ctx.client.tasks(serviceId));
      await failIfEnded(ctx, last);
      const ready = last.filter((t) => t.state === "running" && t.addresses[ctx.network.id]);
      const line = `workers running: ${ready.length}/${want}`;
      if (line !== reported) ctx.logger.progress(reported = line);
      if (ready.length < want) return void 0;
      return { tasks: ready, addresses: ready.map((t) => t.addresses[ctx.network.id]) };
    },
    onTimeout: async () => {
      const why = await explainWorkers(ctx, last) || "  - no task was scheduled (is there a node that can run it?)";
      if (Date.now() >= ctx.deadline) {
        const e2 = runTimeout(ctx.timeoutMs, "the workers were starting");
        return new AtqError(e2.code, `${e2.message}
${why}`, e2.details);
      }
      return new AtqError(
        "WORKERS_NOT_READY",
        `Not every worker was running after ${formatDuration(Date.now() - started)}:
${why}
Check that every node can pull ${ctx.spec.worker.image}.`,
        { tasks: last }
      );
    },
    engine: { client: ctx.client, during: "the workers were starting" },
    pace: ctx.control.pace
  });
}

// src/core/generic/run.ts
var DEFAULT_TIMEOUT_MS = 30 * 6e4;
async function runGenericTask(spec, deps) {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return runLifecycle(
    {
      timeoutMs,
      state: (base) => ({
        ...base,
        spec,
        deps,
        timeoutMs,
        report: newGenericReport(base, spec, deps.outDir),
        followers: []
      }),
      outDir: () => deps.outDir,
      outDirAdvice: "Give the task a folder it can write to.",
      execute,
      succeeded: (state) => void (state.report.status = "succeeded"),
      finish: finishGeneric,
      early: (state, error) => ({
        report: { ...state.report, error: { code: error.code, message: error.message } },
        error
      })
    },
    deps
  );
}
function newGenericReport(base, spec, outDir) {
  return {
    runId: base.runId,
    kind: "generic",
    name: spec.name,
    status: "failed",
    outDir,
    masterImage: spec.master.image,
    workerImage: spec.worker.image,
    workersRequested: spec.worker.replicas,
    workerAddresses: [],
    collected: [],
    startedAt: (/* @__PURE__ */ new Date()).toISOString(),
    stages: base.stages
  };
}
async function execute(state) {
  const { spec, deps, clock, control, logger, report } = state;
  const next2 = (name, fn) => clock.next(name, fn, control.signal);
  logger.info(`task ${spec.name} (run ${report.runId}): results go to ${deps.outDir}`);
  const uploads = await next2("files", () => listUploads(spec, deps.files));
  const { client, info, resources: res } = await connectAndLease(state, deps);
  const nodeId = info.nodeId;
  const network = await next2("network", () => createRunNetwork(client, res, false));
  const mounts = await next2("ship", () => shipFiles(client, res, spec, uploads));
  const ctx = {
    runId: report.runId,
    spec,
    client,
    logger,
    signal: control.signal,
    control,
    resources: res,
    nodeId,
    network,
    deadline: control.endsAt,
    timeoutMs: state.timeoutMs,
    mounts,
    limits: state.deps.limits
  };
  state.ctx = ctx;
  await startWorkers(state, ctx);
  await next2("wait", () => runWaitCommand(waitContext(ctx), report.workerAddresses));
  if (spec.delayMs > 0) {
    logger.info(`waiting ${formatDuration(spec.delayMs)} before starting the master (delay)`);
    await next2("delay", () => sleep(spec.delayMs, control.signal));
  }
  const workersId = state.workersId;
  await failIfEnded(ctx, currentTasks(await client.tasks(workersId)));
  await runMaster(state, ctx);
}
async function startWorkers(state, ctx) {
  const { clock, control, logger, report, spec } = state;
  logger.info(`starting ${spec.worker.replicas} worker(s) from ${spec.worker.image}`);
  const workersId = await clock.next("workers", () => startGenericWorkers(ctx), control.signal);
  state.workersId = workersId;
  state.followers.push(followService(ctx, workersId, sourceName(ctx, "worker")));
  const ready = await clock.next("ready", () => waitForGenericWorkers(ctx, workersId), control.signal);
  report.workerAddresses = ready.addresses;
  logger.info(`workers ready: ${ready.addresses.join(", ")}`);
  state.emit({ type: "workers-ready", addresses: ready.addresses });
}
async function runMaster(state, ctx) {
  const { clock, control, logger, report, spec } = state;
  logger.info(
    `starting the master from ${spec.master.image} with REMOTES=${report.workerAddresses.join(",")}`
  );
  throwIfAborted(control.signal);
  const timer = clock.masterTimer();
  try {
    const masterId = await startGenericMaster(ctx, report.workerAddresses);
    state.masterId = masterId;
    const follower = followService(ctx, masterId, sourceName(ctx, "master"));
    state.followers.push(follower);
    state.masterTask = await waitForGenericMaster(ctx, masterId, timer.running);
    await follower.stop(control.ms(500));
  } catch (e2) {
    clock.failedIn ??= clock.current;
    throw e2;
  } finally {
    timer.end();
  }
  const task = state.masterTask;
  report.masterExitCode = task.exitCode;
  logger.info(`the master ended: ${task.state}, exit code ${task.exitCode ?? "none"}`);
  await checkMasterExit(ctx, state.masterId, task);
}
function waitContext(ctx) {
  const w = ctx.spec.waitCommand;
  const image = ctx.spec.worker.image;
  return {
    runId: ctx.runId,
    client: ctx.client,
    logger: ctx.logger,
    signal: ctx.signal,
    control: ctx.control,
    resources: ctx.resources,
    networkIds: [ctx.network.id],
    deadline: ctx.deadline,
    options: { workerImage: image, waitCommand: w && { ...w, image }, timeoutMs: ctx.timeoutMs }
  };
}

// src/server/auto-baseline.ts
import { mkdir as mkdir3, rm as rm3 } from "node:fs/promises";
import path10 from "node:path";

// src/server/history.ts
import { copyFile, link, lstat as lstat2, mkdir as mkdir2, readFile as readFile4 } from "node:fs/promises";
import path9 from "node:path";
var PAGE = 50;
var MAX_EXAMINED = 1e3;
var MAX_RUN_JSON = 4 * 1024 * 1024;
async function selectHistory(store, q) {
  const entries = [];
  const counts = /* @__PURE__ */ new Map();
  const room = (plan) => (counts.get(plan) ?? 0) < q.limit;
  const wanted = (plan) => q.plans ? q.plans.includes(plan) && room(plan) : true;
  const done = () => q.plans ? !q.plans.some(room) : entries.length >= q.limit;
  for (let offset = 0; offset < MAX_EXAMINED && !done(); offset += PAGE) {
    const page = store.finishedRuns({ owner: q.owner, name: q.name, ref: q.ref, limit: PAGE, offset });
    for (const task of page) {
      if (done()) break;
      const plans = (await runPlans(task)).filter((p2) => wanted(p2.plan));
      if (!plans.length) continue;
      for (const p2 of plans) counts.set(p2.plan, (counts.get(p2.plan) ?? 0) + 1);
      entries.push({ task, plans });
    }
    if (page.length < PAGE) break;
  }
  return entries;
}
async function planFoldersOf(dir) {
  const run = await readSmallJson(path9.join(dir, "run.json"), MAX_RUN_JSON);
  if (!run || typeof run.outDir !== "string" || !Array.isArray(run.plans)) return [];
  const out = [];
  for (const p2 of run.plans) {
    if (typeof p2?.plan !== "string" || typeof p2.outDir !== "string") continue;
    const rel = path9.posix.relative(run.outDir, p2.outDir);
    if (!rel.includes("/") && rel !== ".." && !rel.includes("\\")) out.push({ plan: p2.plan, rel });
  }
  return out;
}
async function runPlans(task) {
  const dir = task.outDir;
  if (!dir) return [];
  const found = [];
  for (const { plan, rel } of await planFoldersOf(dir)) {
    const summary = path9.join(dir, rel, "summary.json");
    if (await isSmallFile(summary, MAX_SUMMARY_BYTES)) found.push({ plan, summary });
  }
  return found;
}
async function isSmallFile(file, max) {
  const st = await lstat2(file).catch(() => void 0);
  return Boolean(st?.isFile() && st.size <= max);
}
async function readSmallJson(file, max) {
  if (!await isSmallFile(file, max)) return null;
  try {
    return JSON.parse(await readFile4(file, "utf8"));
  } catch {
    return null;
  }
}
async function writeHistoryFolder(dir, entries) {
  for (const { task, plans } of entries) {
    for (const [i, p2] of plans.entries()) {
      const dest = path9.join(dir, task.id, String(i + 1));
      await mkdir2(dest, { recursive: true });
      const file = path9.join(dest, "summary.json");
      await link(p2.summary, file).catch(() => copyFile(p2.summary, file));
    }
  }
}

// src/server/auto-baseline.ts
var historyDir = (taskResults) => path10.join(taskResults, "history");
function historyWords(task, ref2) {
  const name = JSON.stringify((task.name ?? "").slice(0, 100));
  return `earlier finished tasks named ${name} of ${task.owner}${ref2 === void 0 ? "" : ` (ref ${ref2})`}`;
}
async function gatherAutoBaseline(task, options2, store, dir, onEvent) {
  const ref2 = options2.baselineAuto?.ref;
  const plans = await planNames(options2);
  if (!plans) return {};
  const entries = await selectHistory(store, {
    owner: task.owner,
    name: task.name ?? "",
    ref: ref2,
    plans,
    limit: options2.baselineRuns
  });
  const what = historyWords(task, ref2);
  if (!entries.length && options2.baselineMissing === "fail")
    return {
      error: new ConfigError([
        `baseline: auto: there are no ${what} on this server to compare with (this is the first, or their results have expired). Run it once without gates on the baseline, or give baseline-missing: skip to skip them until there is a history.`
      ])
    };
  await rm3(dir, { recursive: true, force: true });
  await mkdir3(dir, { recursive: true });
  await writeHistoryFolder(dir, entries);
  options2.baselineFile = dir;
  if (entries.length)
    onEvent({
      type: "log",
      level: "info",
      message: `baseline: auto: ${entries.length} ${what}, newest first: ` + entries.map((e2) => `task ${e2.task.id}`).join(", ")
    });
  return {};
}
async function planNames(options2) {
  try {
    const selection = await selectFiles(options2.testDir, options2.plans, [], { jars: [] });
    return selection.plans.length ? selection.plans.map((p2) => p2.rel) : void 0;
  } catch {
    return void 0;
  }
}

// src/server/seed-task.ts
import path11 from "node:path";
function parseSeedTask(body) {
  const problems = [];
  if (!isObject(body)) {
    return { problems: ["body: must be a JSON object with name, master and worker (the seed task payload)"] };
  }
  unknownKeys(body, TOP_KEYS, "", problems);
  const name = text2(body.name, "name", problems, { required: true, max: 128 });
  const delay = seconds(body.delay, "delay", problems, 0, LIMITS.maxDelaySeconds) ?? 0;
  const waitCommand = waitCommandOf(body.waitCommand, problems);
  const master = service(body.master, "master", problems);
  const worker = service(body.worker, "worker", problems);
  const collect2 = [
    ...paths(body.collect, "collect", problems),
    ...isObject(body.master) ? paths(body.master.collect, "master.collect", problems) : []
  ];
  if (collect2.length > LIMITS.maxCollect) {
    problems.push(`collect: at most ${LIMITS.maxCollect} paths (got ${collect2.length})`);
  }
  if (problems.length || !name || !master || !worker) return { problems };
  const spec = {
    name,
    delayMs: delay * 1e3,
    master,
    worker,
    collect: [...new Set(collect2)]
  };
  if (waitCommand) spec.waitCommand = waitCommand;
  return { spec, problems };
}
var TOP_KEYS = ["name", "delay", "waitCommand", "master", "worker", "collect"];
var SERVICE_KEYS = ["alias", "image", "args", "environment", "replicas", "fileId", "fileid", "tty"];
var WAIT_KEYS = ["command", "expectedResult", "timeout"];
var ENV_NAME2 = /^[A-Za-z_][A-Za-z0-9_]*$/;
function isObject(v2) {
  return typeof v2 === "object" && v2 !== null && !Array.isArray(v2);
}
function unknownKeys(o, allowed, prefix, problems) {
  for (const k2 of Object.keys(o)) {
    if (!allowed.includes(k2)) problems.push(`${prefix}${k2}: unknown field; allowed: ${allowed.join(", ")}`);
  }
}
function text2(v2, field, problems, opts) {
  const what = opts.what ?? "a non-empty string";
  if (v2 === void 0 || v2 === null) {
    if (opts.required) problems.push(`${field}: required, ${what}`);
    return void 0;
  }
  if (typeof v2 !== "string" || !v2.trim()) {
    problems.push(`${field}: must be ${what}`);
    return void 0;
  }
  if (v2.length > opts.max) {
    problems.push(`${field}: at most ${opts.max} characters (got ${v2.length})`);
    return void 0;
  }
  return v2;
}
function seconds(v2, field, problems, min, max) {
  if (v2 === void 0 || v2 === null) return void 0;
  if (typeof v2 !== "number" || !Number.isInteger(v2) || v2 < min || v2 > max) {
    problems.push(`${field}: must be a whole number of seconds from ${min} to ${max}`);
    return void 0;
  }
  return v2;
}
function waitCommandOf(v2, problems) {
  if (v2 === void 0 || v2 === null) return void 0;
  if (!isObject(v2)) {
    problems.push("waitCommand: must be an object {command, expectedResult, timeout}");
    return void 0;
  }
  unknownKeys(v2, WAIT_KEYS, "waitCommand.", problems);
  const command = text2(v2.command, "waitCommand.command", problems, {
    required: true,
    max: 4096,
    what: "a shell command"
  });
  let expected;
  if (v2.expectedResult !== void 0 && v2.expectedResult !== null) {
    if (typeof v2.expectedResult !== "string") problems.push("waitCommand.expectedResult: must be a string");
    else if (v2.expectedResult !== "") expected = v2.expectedResult;
  }
  const timeout = seconds(v2.timeout, "waitCommand.timeout", problems, 1, LIMITS.maxWaitSeconds) ?? LIMITS.defaultWaitSeconds;
  if (!command) return void 0;
  return {
    command,
    ...expected !== void 0 ? { expectedResult: expected } : {},
    timeoutMs: timeout * 1e3
  };
}
function service(v2, role, problems) {
  if (v2 === void 0 || v2 === null) {
    problems.push(`${role}: required, an object {image, args, environment, replicas, fileId, ...}`);
    return void 0;
  }
  if (!isObject(v2)) {
    problems.push(`${role}: must be an object {image, args, environment, replicas, fileId, ...}`);
    return void 0;
  }
  unknownKeys(v2, role === "master" ? [...SERVICE_KEYS, "collect"] : SERVICE_KEYS, `${role}.`, problems);
  const image = imageOf(v2.image, `${role}.image`, problems);
  const alias = text2(v2.alias, `${role}.alias`, problems, { max: 63 });
  const args = argsOf(v2.args, `${role}.args`, problems);
  const env = envOf(v2.environment, `${role}.environment`, problems);
  const replicas = replicasOf(v2.replicas, role, problems);
  const fileId = fileIdOf(v2, role, problems);
  if (v2.tty !== void 0 && v2.tty !== null && typeof v2.tty !== "boolean") {
    problems.push(`${role}.tty: must be true or false`);
  }
  if (!image || !args || !env || replicas === void 0) return void 0;
  const def = { image, args, env, replicas, tty: v2.tty === true };
  if (alias) def.alias = alias;
  if (fileId) def.fileId = fileId;
  return def;
}
function imageOf(v2, field, problems) {
  const image = text2(v2, field, problems, { required: true, max: 255, what: "a Docker image name" });
  if (image && /\s/.test(image)) {
    problems.push(`${field}: must be a Docker image name without spaces (e.g. "alpine:3.20")`);
    return void 0;
  }
  return image;
}
function argsOf(v2, field, problems) {
  if (v2 === void 0 || v2 === null) return [];
  if (typeof v2 === "string") {
    problems.push(
      `${field}: must be an array of strings, one per argument (e.g. ["sh", "-c", "run.sh"]); a single string is not split`
    );
    return void 0;
  }
  if (!Array.isArray(v2) || v2.some((a) => typeof a !== "string")) {
    problems.push(`${field}: must be an array of strings, one per argument`);
    return void 0;
  }
  return v2;
}
function envOf(v2, field, problems) {
  if (v2 === void 0 || v2 === null) return {};
  const entries = [];
  const before = problems.length;
  if (Array.isArray(v2)) {
    v2.forEach((item, i) => {
      const eq = typeof item === "string" ? item.indexOf("=") : -1;
      if (typeof item !== "string" || eq < 1) {
        problems.push(`${field}[${i}]: must be a "NAME=value" string`);
      } else entries.push([item.slice(0, eq), item.slice(eq + 1)]);
    });
  } else if (isObject(v2)) {
    for (const [k2, value] of Object.entries(v2)) {
      if (["string", "number", "boolean"].includes(typeof value)) entries.push([k2, String(value)]);
      else problems.push(`${field}.${k2}: must be a string, number or boolean`);
    }
  } else {
    problems.push(`${field}: must be an array of "NAME=value" strings or an object {NAME: value}`);
    return void 0;
  }
  for (const [k2] of entries) {
    if (!ENV_NAME2.test(k2)) problems.push(`${field}: ${JSON.stringify(k2)} is not a valid variable name`);
    else if (RESERVED_ENV.includes(k2)) {
      problems.push(`${field}: ${k2} is set by ATQ (the workers' addresses) and cannot be given`);
    }
  }
  return problems.length > before ? void 0 : Object.fromEntries(entries);
}
function replicasOf(v2, role, problems) {
  const field = `${role}.replicas`;
  if (role === "master") {
    if (v2 === void 0 || v2 === null || v2 === 1) return 1;
    problems.push(`${field}: must be 1 (a task has one master; scale the workers instead), or left out`);
    return void 0;
  }
  const max = LIMITS.maxWorkers;
  if (v2 === void 0 || v2 === null) {
    problems.push(`${field}: required, an integer from 1 to ${max} (how many workers)`);
    return void 0;
  }
  if (typeof v2 !== "number" || !Number.isInteger(v2) || v2 < 1 || v2 > max) {
    problems.push(`${field}: must be an integer from 1 to ${max}`);
    return void 0;
  }
  return v2;
}
function fileIdOf(v2, role, problems) {
  if (v2.fileId !== void 0 && v2.fileid !== void 0) {
    problems.push(`${role}.fileId: given twice (fileId and fileid); keep one`);
    return void 0;
  }
  const key = v2.fileId !== void 0 ? "fileId" : "fileid";
  return text2(v2[key], `${role}.${key}`, problems, { max: 128, what: "the id of an upload (a string)" });
}
function paths(v2, field, problems) {
  if (v2 === void 0 || v2 === null) return [];
  if (!Array.isArray(v2)) {
    problems.push(`${field}: must be an array of absolute paths in the master's container`);
    return [];
  }
  const out = [];
  v2.forEach((p2, i) => {
    const where = `${field}[${i}]`;
    if (typeof p2 !== "string" || !p2.startsWith("/")) {
      problems.push(`${where}: must be an absolute path in the master's container (e.g. "/out/result.txt")`);
    } else if (path11.posix.normalize(p2) === "/" || p2.split("/").includes("..")) {
      problems.push(`${where}: must name a file or folder below / without ".." (got ${JSON.stringify(p2)})`);
    } else out.push(path11.posix.normalize(p2).replace(/\/$/, ""));
  });
  return out;
}

// src/server/runner.ts
var TASK_STATUS2 = {
  succeeded: "finished",
  failed: "failed",
  aborted: "cancelled"
};
var resultsDir = (dataDir, taskId) => path12.join(dataDir, "results", taskId);
async function executeTask(task, runId, deps, signal, onEvent) {
  return task.kind === "seed" ? executeSeed(task, runId, deps, signal, onEvent) : executeAtq(task, runId, deps, signal, onEvent);
}
async function executeAtq(task, runId, deps, signal, onEvent) {
  const fileId = String(task.payload.fileId);
  const folder = deps.files.folder(fileId);
  if (!folder) return failedBefore(unknownUpload(fileId));
  const { options: options2, problems } = resolveTaskOptions(
    optionValues(task.payload),
    folder,
    resultsDir(deps.dataDir, task.id),
    deps.docker,
    deps.allowNetworks,
    deps.limits
  );
  if (!options2) return failedBefore(new ConfigError(problems));
  const emit = withoutServerPaths(onEvent, deps, task, folder);
  const source = claimedSource(task.payload.source);
  if (source)
    emit({ type: "log", level: "info", message: `source, as the client says: ${sourceWords(source)}` });
  const history = historyDir(resultsDir(path12.resolve(deps.dataDir), task.id));
  try {
    if (options2.baselineAuto) {
      const { error: error2 } = await gatherAutoBaseline(task, options2, deps.store, history, emit);
      if (error2) return failedBefore(error2);
    }
    const { report, error } = await runLoadTest(options2, {
      connect: deps.connect,
      onEvent: emit,
      signal,
      runId,
      probeSource: false,
      source
    });
    return atqEnd(report, error, deps, task, folder);
  } finally {
    await rm4(history, { recursive: true, force: true });
  }
}
function atqEnd(report, error, deps, task, folder) {
  const result = outcome(report, error);
  return {
    status: TASK_STATUS2[report.status],
    outDir: report.outDir,
    verdict: report.verdict,
    error: result.error && hidePaths(result.error, deps, task, folder),
    stages: report.stages,
    // Why the verdict is what it is, for a client reading the task rather than its files.
    ...report.autoStop && {
      autoStop: { criterion: report.autoStop.criterion, message: report.autoStop.message }
    },
    ...report.unreliable && { unreliable: report.unreliable }
  };
}
async function executeSeed(task, runId, deps, signal, onEvent) {
  const { spec, problems } = parseSeedTask(task.payload);
  if (spec) problems.push(...seedLimitProblems(spec, deps.limits));
  if (!spec || problems.length) return failedBefore(new ConfigError(problems));
  const outDir = path12.join(resultsDir(deps.dataDir, task.id), runId);
  const { report, error: failure2 } = await runGenericTask(spec, {
    connect: deps.connect,
    onEvent: withoutServerPaths(onEvent, deps, task),
    signal,
    runId,
    outDir,
    files: async (id) => deps.files.folder(id),
    timeoutMs: Math.min(DEFAULT_TIMEOUT_MS, deps.limits.maxTimeoutMs),
    limits: runLimits(deps.limits)
  });
  const error = failure2 && hidePaths(failure2, deps, task);
  return {
    status: TASK_STATUS2[report.status],
    outDir,
    error,
    stages: report.stages
  };
}
function serverPaths(deps, task, upload) {
  const data = path12.resolve(deps.dataDir);
  return [
    [
      historyDir(resultsDir(data, task.id)),
      `<${historyWords(task, parseAutoBaseline(task.payload.baseline)?.ref)}>`
    ],
    [path12.join(resultsDir(data, task.id)), `<results of task ${task.id}>`],
    ...upload ? [[upload, "<upload>"]] : [],
    [data, "<server data>"]
  ];
}
function scrub(text3, paths2) {
  return paths2.reduce((t, [from, to]) => t.split(from).join(to), text3);
}
function withoutServerPaths(onEvent, deps, task, upload) {
  const paths2 = serverPaths(deps, task, upload);
  return (e2) => onEvent(e2.type === "log" || e2.type === "progress" ? { ...e2, message: scrub(e2.message, paths2) } : e2);
}
function hidePaths(error, deps, task, upload) {
  return { code: error.code, message: scrub(error.message, serverPaths(deps, task, upload)) };
}
function sourceWords(s) {
  return [s.commit && `commit ${s.commit.slice(0, 12)}`, s.ref && `ref ${s.ref}`, s.ciUrl].filter(Boolean).join(", ");
}
function failedBefore(e2) {
  return { status: "failed", error: { code: e2.code, message: e2.message }, stages: {} };
}

// src/server/mask.ts
var MASK = "***";
function shownPayload(payload) {
  const copy = { ...payload };
  for (const role of ["master", "worker"]) {
    const def = copy[role];
    if (!isObject2(def) || def.environment === void 0) continue;
    copy[role] = { ...def, environment: maskPairs(def.environment) };
  }
  if (copy["secret-prop"] !== void 0) copy["secret-prop"] = maskPairs(copy["secret-prop"]);
  return copy;
}
function maskPairs(value) {
  const pair = (text3) => {
    const eq = text3.indexOf("=");
    return eq > 0 ? `${text3.slice(0, eq)}=${MASK}` : MASK;
  };
  if (Array.isArray(value)) return value.map((e2) => typeof e2 === "string" ? pair(e2) : MASK);
  if (isObject2(value)) return Object.fromEntries(Object.keys(value).map((k2) => [k2, MASK]));
  if (typeof value === "string") return value.split("\n").map(pair).join("\n");
  return MASK;
}
function isObject2(v2) {
  return typeof v2 === "object" && v2 !== null && !Array.isArray(v2);
}

// src/server/retention.ts
import { lstat as lstat3, readdir as readdir5, rm as rm5 } from "node:fs/promises";
import path13 from "node:path";

// src/server/uploads.ts
function fileIdsOf(payload) {
  const ids = [payload.fileId];
  for (const role of ["master", "worker"]) {
    const def = payload[role];
    if (def && typeof def === "object") ids.push(def.fileId, def.fileid);
  }
  return ids.filter((x) => typeof x === "string");
}
function uploadUsers(ctx, id) {
  return [
    ...ctx.store.tasks({ status: ["queued", ...ACTIVE], limit: 1e5, offset: 0 }).tasks,
    ...ctx.store.schedules()
  ].filter((t) => fileIdsOf(t.payload).includes(id));
}
async function uploadProblem(ctx, owner, id, field) {
  const meta = await ctx.files.get(id);
  if (!meta) return `${field}: no upload has the id "${id}"; upload the files first`;
  if (!mayActFor(owner, meta.owner ?? "", ctx.tokens))
    return `${field}: upload "${id}" belongs to another token; upload your own files (POST /api/databind/upload)`;
  return void 0;
}
function assertUploadsAvailable(ctx, payload) {
  const gone = fileIdsOf(payload).filter((id) => !ctx.files.available(id));
  if (gone.length)
    throw new HttpError(
      409,
      "FILE_REMOVED",
      `Upload ${gone.join(", ")} was removed while the task was being checked; upload the files again.`
    );
}

// src/server/retention.ts
async function folderBytes(dir) {
  let total = 0;
  const entries = await readdir5(dir, { withFileTypes: true }).catch(() => []);
  for (const e2 of entries) {
    const abs = path13.join(dir, e2.name);
    if (e2.isDirectory()) total += await folderBytes(abs);
    else if (e2.isFile()) total += (await lstat3(abs).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
var taskEventsDir = (dataDir, taskId) => path13.join(dataDir, "tasks", taskId);
async function sweepExpired(ctx, now = Date.now()) {
  const keep = ctx.options.limits.keepResultsMs;
  if (!keep) return { tasks: [], uploads: [] };
  const cutoff = new Date(now - keep).toISOString();
  const tasks = [];
  for (const task of ctx.store.endedBefore(cutoff)) {
    await rm5(resultsDir(ctx.options.dataDir, task.id), { recursive: true, force: true });
    await rm5(taskEventsDir(ctx.options.dataDir, task.id), { recursive: true, force: true });
    ctx.store.deleteTask(task.id);
    tasks.push(task.id);
  }
  const uploads = [];
  for (const upload of await ctx.files.list()) {
    if (upload.createdAt >= cutoff || uploadUsers(ctx, upload.id).length) continue;
    if (ctx.files.markRemoved(upload.id) && await ctx.files.remove(upload.id)) uploads.push(upload.id);
  }
  return { tasks, uploads };
}
function startRetention(ctx, everyMs = 36e5) {
  const run = () => void sweepExpired(ctx).then(({ tasks, uploads }) => {
    if (tasks.length || uploads.length)
      ctx.logger.info(
        `retention (--keep-results): removed ${tasks.length} ended task(s) and ${uploads.length} upload(s)`
      );
  }).catch((e2) => ctx.logger.warn(`retention (--keep-results) failed: ${errorMessage(e2)}`));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

// src/server/queue.ts
var STATUS_OF_STAGE = {
  "master-start": "running",
  "master-run": "running",
  engines: "running",
  "engines-run": "running",
  go: "running",
  master: "running",
  collect: "collecting"
};
var TaskQueue = class {
  constructor(deps) {
    this.deps = deps;
    this.execute = deps.execute ?? ((task, runId, signal, onEvent) => executeTask(task, runId, deps, signal, onEvent));
  }
  deps;
  running = /* @__PURE__ */ new Map();
  /** The queue position each waiting task was last told, so a change tells only those whose place moved. */
  told = /* @__PURE__ */ new Map();
  /** Tasks whose run sends live statistics: their progress is the latest live line, not JMeter's summariser. */
  live = /* @__PURE__ */ new Set();
  execute;
  stopping = false;
  /** Until the runs a previous process left are swept, nothing starts: they may still be loading the cluster. */
  recovering = true;
  /**
   * After a restart: tasks that were running are failed at once (their status says why), their objects
   * swept, then the queue goes on. The server answers meanwhile; nothing starts until the sweep is done.
   */
  async recover() {
    try {
      const interrupted = this.deps.store.active();
      for (const task of interrupted) this.end(task.id, restarted(task));
      for (const task of interrupted) await this.measure(task.id);
      for (const { runId } of interrupted) {
        if (!runId) continue;
        await this.deps.sweepRun(runId).catch((e2) => {
          this.deps.logger.warn(
            `could not sweep run ${runId}: ${errorMessage(e2)}; atq cleanup --run ${runId} --force`
          );
        });
      }
    } finally {
      this.recovering = false;
    }
    this.pump();
  }
  add(_task) {
    this.pump();
  }
  /** 1 for the next task to start, 0 for one that has started or ended. */
  position(id) {
    return this.deps.store.queued().findIndex((t) => t.id === id) + 1;
  }
  /** A queued task leaves the queue; a running one is aborted (its run cleans up). False when it has ended. */
  cancel(id) {
    const task = this.deps.store.task(id);
    if (!task) return false;
    const run = this.running.get(id);
    if (run) {
      run.cancelled = true;
      run.controller.abort(new AbortedError(`cancelled through the API (DELETE /api/task/${id})`));
      return true;
    }
    if (task.status !== "queued") return false;
    this.end(id, {
      status: "cancelled",
      stages: {},
      error: { code: "RUN_ABORTED", message: "Cancelled through the API before it started." }
    });
    return true;
  }
  /** Waits for a cancelled or running task's cleanup (tests, shutdown). */
  async settled(id) {
    await this.running.get(id)?.done;
  }
  /** Nothing starts any more (first step of a shutdown: recovery may still be under way). */
  halt() {
    this.stopping = true;
  }
  /** On shutdown: abort every running task and wait until each has cleaned up. Queued tasks stay queued. */
  async stop() {
    this.stopping = true;
    for (const run of this.running.values()) run.controller.abort(new AbortedError("the server is stopping"));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
  pump() {
    while (!this.stopping && !this.recovering && this.running.size < this.deps.concurrency) {
      const next2 = this.deps.store.queued()[0];
      if (!next2) break;
      this.told.delete(next2.id);
      this.start(next2);
    }
    this.deps.store.queued().forEach((task, i) => {
      if (this.told.get(task.id) === i + 1) return;
      this.told.set(task.id, i + 1);
      this.deps.hub.publish(task.id, { kind: "status", task: this.shown(task, i + 1) });
    });
  }
  start(task) {
    const runId = newRunId();
    this.deps.store.updateTask(task.id, {
      status: "starting",
      startedAt: (/* @__PURE__ */ new Date()).toISOString(),
      runId,
      outDir: path14.join(resultsDir(this.deps.dataDir, task.id), runId)
    });
    this.publishStatus(task.id);
    const controller = new AbortController();
    const run = { controller, cancelled: false, done: Promise.resolve() };
    this.running.set(task.id, run);
    const started = this.deps.store.task(task.id);
    run.done = this.execute(started, runId, controller.signal, (e2) => this.onRunEvent(task.id, e2)).catch((e2) => ({
      status: "failed",
      stages: this.deps.store.task(task.id)?.stages ?? {},
      error: { code: "INTERNAL", message: errorMessage(e2) }
    })).then(async (end) => {
      this.running.delete(task.id);
      if (end.status === "cancelled" && !run.cancelled) end.status = "failed";
      this.end(task.id, end);
      this.pump();
      await this.measure(task.id);
    });
  }
  /** Records how much the task keeps on the server (--max-stored counts it against its owner). */
  async measure(id) {
    try {
      this.deps.store.setResultsBytes(id, await folderBytes(resultsDir(this.deps.dataDir, id)));
    } catch (e2) {
      this.deps.logger.warn(`could not measure the results of task ${id}: ${errorMessage(e2)}`);
    }
  }
  onRunEvent(id, event) {
    const { store, hub } = this.deps;
    hub.publish(id, { kind: "run", event });
    if (event.type === "stage" && event.phase === "start") {
      const status = STATUS_OF_STAGE[event.stage];
      if (status && store.task(id)?.status !== status) {
        store.updateTask(id, { status });
        this.publishStatus(id);
      }
    } else if (event.type === "stage" && event.ms !== void 0) {
      const stages = store.task(id)?.stages ?? {};
      stages[event.stage] = (stages[event.stage] ?? 0) + event.ms;
      store.updateTask(id, { stages });
    } else if (event.type === "live") {
      this.live.add(id);
      store.updateTask(id, { progress: liveLine(event.snapshot) });
    } else if (event.type === "progress" && !this.live.has(id)) {
      store.updateTask(id, { progress: event.message });
    } else if (event.type === "auto-stop") {
      store.updateTask(id, { autoStop: { criterion: event.criterion, message: event.message } });
    } else if (event.type === "verdict") {
      store.updateTask(id, { verdict: event.verdict });
    }
  }
  end(id, end) {
    this.told.delete(id);
    this.live.delete(id);
    this.deps.store.updateTask(id, { ...end, finishedAt: (/* @__PURE__ */ new Date()).toISOString() });
    const task = this.view(this.deps.store.task(id));
    this.deps.hub.publish(id, { kind: "end", task });
    this.deps.logger.info(
      `task ${id} ${task.status}${task.error ? `: [${task.error.code}] ${task.error.message.split("\n")[0]}` : ""}`
    );
  }
  publishStatus(id) {
    const task = this.deps.store.task(id);
    if (task && ACTIVE.has(task.status))
      this.deps.hub.publish(id, { kind: "status", task: this.shown(task, 0) });
  }
  view(task) {
    return this.shown(task, task.status === "queued" ? this.position(task.id) : 0);
  }
  /** What the API shows of a task: not the server's own paths, and secrets in environments masked. */
  shown(task, position) {
    const { outDir: _serverPath, ...rest } = task;
    return { ...rest, payload: shownPayload(task.payload), position };
  }
  get activeCount() {
    return this.running.size;
  }
};
function restarted(task) {
  return {
    status: "failed",
    stages: task.stages,
    outDir: task.outDir,
    error: {
      code: "SERVER_RESTARTED",
      message: `The server stopped while this task was ${task.status}; its objects on the swarm (run ${task.runId ?? "not started"}) are removed as the server comes back. Submit it again.`
    }
  };
}

// src/server/router.ts
function compile(routes) {
  return routes.map((r) => {
    const names = [];
    const source = r.path.split("/").map((seg) => {
      if (seg.startsWith(":")) return names.push(seg.slice(1)), "([^/]+)";
      if (seg.startsWith("*")) return names.push(seg.slice(1)), "(.+)";
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("/");
    return { ...r, names, pattern: new RegExp(`^${source}$`) };
  });
}
function match(routes, method, pathname) {
  const allowed = [];
  for (const r of routes) {
    const m2 = r.pattern.exec(pathname);
    if (!m2) continue;
    if (r.method !== method && !(method === "HEAD" && r.method === "GET")) {
      allowed.push(r.method);
      continue;
    }
    const params = {};
    r.names.forEach((n2, i) => params[n2] = decodeSegment(m2[i + 1]));
    return { route: r, params, allowed };
  }
  return { params: {}, allowed };
}
function decodeSegment(text3) {
  try {
    return decodeURIComponent(text3);
  } catch {
    throw new HttpError(
      400,
      "INVALID_REQUEST",
      `The path has a malformed %-escape: ${JSON.stringify(text3)}.`
    );
  }
}

// src/server/routes-events.ts
import { once } from "node:events";
var KEEPALIVE_MS = 15e3;
var BACKLOG_BYTES = 1024 * 1024;
var HELD_EVENTS = 1e4;
function format(e2) {
  return `id: ${e2.id}
event: ${e2.data.kind}
data: ${JSON.stringify(e2.data)}

`;
}
function eventRoutes(ctx) {
  return [
    {
      method: "GET",
      path: "/api/task/:id/events",
      handler: async ({ req, res, params, url }) => {
        const id = params.id;
        const task = ctx.store.task(id);
        if (!task) throw notFound(`Task ${id}`);
        const after = Number(req.headers["last-event-id"] ?? url.searchParams.get("after") ?? 0) || 0;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          connection: "keep-alive",
          "x-accel-buffering": "no"
        });
        res.write(": atq task events\n\n");
        await new EventStream(ctx, res, id, after).run(ENDED.has(task.status));
      }
    }
  ];
}
var EventStream = class {
  constructor(ctx, res, id, after) {
    this.ctx = ctx;
    this.res = res;
    this.id = id;
    this.sent = after;
    this.timer = setInterval(() => res.write(": keep-alive\n\n"), KEEPALIVE_MS);
    this.closed = new Promise((resolve) => res.on("close", () => resolve()));
    void this.closed.then(() => this.close());
  }
  ctx;
  res;
  id;
  sent;
  ended = false;
  held = [];
  stop;
  timer;
  closed;
  async run(taskEnded) {
    const sub = this.ctx.hub.subscribe(this.id, this.sent, (e2) => this.live(e2), taskEnded);
    this.stop = sub.stop;
    for await (const e2 of sub.replay) {
      if (this.res.destroyed || this.ended) break;
      if (!this.send(e2)) await Promise.race([once(this.res, "drain"), this.closed]);
    }
    const held = this.held ?? [];
    this.held = void 0;
    for (const e2 of held) this.send(e2);
    if (!this.stop && !this.ended && !this.res.destroyed) {
      const task = this.ctx.store.task(this.id);
      if (task)
        this.send({
          id: Math.max(this.sent, this.ctx.hub.lastId(this.id)) + 1,
          at: (/* @__PURE__ */ new Date()).toISOString(),
          data: { kind: "end", task: this.ctx.queue.view(task) }
        });
      this.close();
    }
  }
  live(e2) {
    if (!this.held) return void this.send(e2);
    this.held.push(e2);
    if (this.held.length > HELD_EVENTS) this.res.destroy();
  }
  /** Writes the event unless the client has it; false when the client should be waited for. */
  send(e2) {
    if (e2.id <= this.sent || this.ended || this.res.destroyed) return true;
    this.sent = e2.id;
    const flowing = this.res.write(format(e2));
    if (e2.data.kind === "end") {
      this.ended = true;
      this.close();
    } else if (this.res.writableLength > BACKLOG_BYTES) this.res.destroy();
    return flowing;
  }
  close() {
    this.stop?.();
    clearInterval(this.timer);
    if (!this.res.writableEnded) this.res.end();
  }
};

// src/server/routes-files.ts
var import_busboy = __toESM(require_lib(), 1);
async function uploadedArchive(req, limit) {
  const type = String(req.headers["content-type"] ?? "");
  if (!/^multipart\/form-data/i.test(type)) {
    const name = req.headers["x-file-name"];
    return { data: await readBody(req, limit), name: typeof name === "string" ? name : void 0 };
  }
  return new Promise((resolve, reject) => {
    let found;
    let parser;
    try {
      parser = (0, import_busboy.default)({ headers: req.headers, limits: { files: 1, fileSize: limit, fields: 20 } });
    } catch (e2) {
      return reject(badRequest([`body: ${e2.message}`]));
    }
    parser.on("file", (field, stream, info) => {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on(
        "limit",
        () => reject(
          new HttpError(413, "TOO_LARGE", `The upload is larger than this server accepts (${limit} bytes).`)
        )
      );
      stream.on("end", () => {
        if (field === "file") found = { data: Buffer.concat(chunks), name: info.filename };
      });
    });
    parser.on("error", (e2) => reject(badRequest([`body: ${e2.message}`])));
    parser.on(
      "close",
      () => found ? resolve(found) : reject(badRequest(['file: the form has no "file" field with the archive']))
    );
    req.pipe(parser);
  });
}
function fileRoutes(ctx) {
  return [
    {
      method: "POST",
      path: "/api/databind/upload",
      handler: async ({ req, res, owner }) => {
        const { data, name } = await uploadedArchive(req, ctx.options.maxUploadBytes);
        try {
          const stored = await ctx.files.save(data, name, owner);
          sendJson(res, 201, stored, { location: `/api/databind/${stored.id}` });
        } catch (e2) {
          if (isAtqError(e2) && e2.code === "UPLOAD_INVALID")
            throw new HttpError(
              400,
              e2.code,
              e2.message,
              e2.details.problems ?? [e2.message]
            );
          throw e2;
        }
      }
    },
    {
      method: "GET",
      path: "/api/databind/list",
      // A token sees its own uploads (an admin token every one): file names and plans are a team's own.
      handler: async ({ res, owner }) => {
        const files = (await ctx.files.list()).filter((f2) => mayActFor(owner, f2.owner ?? "", ctx.tokens));
        sendJson(res, 200, { files });
      }
    },
    {
      method: "DELETE",
      path: "/api/databind/:id",
      handler: async ({ res, params, owner }) => {
        const id = params.id;
        const meta = await ctx.files.get(id);
        if (!meta) throw notFound(`Upload ${id}`);
        if (!mayActFor(owner, meta.owner ?? "", ctx.tokens))
          throw new HttpError(
            403,
            "NOT_OWNER",
            `Upload ${id} was made by another token; only that token (or an admin token) may remove it.`
          );
        const users = uploadUsers(ctx, id);
        if (users.length)
          throw new HttpError(
            409,
            "FILE_IN_USE",
            `Upload ${id} is used by ${users.map((t) => t.id).join(", ")} (tasks that have not ended, or schedules); cancel or remove them, or wait.`
          );
        if (!ctx.files.markRemoved(id)) throw notFound(`Upload ${id}`);
        await ctx.files.remove(id);
        res.writeHead(204).end();
      }
    }
  ];
}

// src/server/routes-history.ts
var MAX_PLAN = 1024;
var VERDICTS2 = VERDICT_ORDER;
function historyRoutes(ctx) {
  return [
    {
      method: "GET",
      path: "/api/history",
      handler: async ({ res, url, owner: caller }) => {
        const q = historyQuery(url, caller);
        if (!mayActFor(caller, q.owner, ctx.tokens))
          throw new HttpError(
            403,
            "NOT_OWNER",
            `The history of ${q.owner}'s tasks is theirs: only that token (or an admin token) may read it. Leave out owner to see your own.`
          );
        const entries = await selectHistory(ctx.store, {
          owner: q.owner,
          name: q.name,
          ref: q.ref ?? void 0,
          plans: q.plan === null ? void 0 : [q.plan],
          limit: q.limit
        });
        const runs = (await Promise.all(entries.map(historyRun))).filter((r) => r.plans.length);
        sendJson(res, 200, { ...q, runs });
      }
    }
  ];
}
function historyQuery(url, caller) {
  const param2 = (name2) => url.searchParams.get(name2) ?? void 0;
  const name = param2("name");
  const plan = param2("plan");
  const ref2 = param2("ref");
  const problems = [];
  if (!name?.trim()) problems.push("name: required, the name of the tasks (as PUT /api/task named them)");
  if (plan !== void 0 && (!plan || plan.length > MAX_PLAN))
    problems.push(`plan: a plan's path in the upload (e.g. checkout.jmx), 1 to ${MAX_PLAN} characters`);
  if (ref2 !== void 0 && !REF_PATTERN.test(ref2))
    problems.push("ref: a branch or ref name (1 to 255 characters, no spaces), as the tasks' source gave it");
  const limit = intParam(url, "limit", 10, [1, 100]);
  if (problems.length) throw badRequest(problems);
  return {
    name,
    owner: param2("owner") ?? caller,
    plan: plan ?? null,
    ref: ref2 ?? null,
    limit
  };
}
async function historyRun({ task, plans }) {
  const source = claimedSource(task.payload.source);
  const numbers = await Promise.all(plans.map((p2) => planNumbers(p2.plan, p2.summary)));
  return {
    taskId: task.id,
    runId: task.runId ?? null,
    startedAt: task.startedAt ?? null,
    finishedAt: task.finishedAt ?? null,
    verdict: task.verdict ?? null,
    // Never checked by the server: what the client that submitted the task said it tested.
    source: source ? { ...source, claimedBy: "client" } : null,
    plans: numbers.filter((n2) => n2 !== void 0)
  };
}
async function planNumbers(plan, file) {
  const summary = await readSmallJson(file, MAX_SUMMARY_BYTES);
  const t = summary?.totals;
  const num = (v2) => typeof v2 === "number" && Number.isFinite(v2) && v2 >= 0 ? v2 : void 0;
  const [samples, p95, errorRate, throughput] = ["samples", "p95", "errorRate", "throughput"].map(
    (k2) => num(t?.[k2])
  );
  if (samples === void 0 || p95 === void 0 || errorRate === void 0 || throughput === void 0)
    return void 0;
  const verdict = VERDICTS2.includes(summary?.verdict) ? summary?.verdict : null;
  return { plan, verdict, samples, p95, errorRate, throughput };
}

// src/server/routes-results.ts
import { createReadStream as createReadStream2 } from "node:fs";
import { readdir as readdir6, realpath, stat as stat2 } from "node:fs/promises";
import path15 from "node:path";
var TYPES = {
  ".json": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".md": "text/markdown; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".jtl": "text/csv; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".log": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8"
};
var OWN_NAMES = /* @__PURE__ */ new Set([
  "report.html",
  "report.css",
  "summary.md",
  "summary.json",
  "run.json",
  "junit.xml"
]);
function isOwnResult(rel, planFolders2) {
  const slash = rel.lastIndexOf("/");
  const dir = slash < 0 ? "" : rel.slice(0, slash);
  return OWN_NAMES.has(rel.slice(slash + 1)) && (dir === "" || planFolders2.has(dir));
}
async function planFolders(dir) {
  return new Set((await planFoldersOf(dir)).map((p2) => p2.rel).filter(Boolean));
}
function resultHeaders(rel, own) {
  const ext = path15.extname(rel).toLowerCase();
  const text3 = !own && [".log", ".jtl", ".txt", ".csv"].includes(ext);
  const headers = {
    "content-type": own ? TYPES[ext] ?? "application/octet-stream" : text3 ? "text/plain; charset=utf-8" : "application/octet-stream",
    "content-security-policy": "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store"
  };
  if (!own && !text3)
    headers["content-disposition"] = `attachment; filename="${path15.basename(rel).replace(/[^\w.-]/g, "_")}"`;
  return headers;
}
async function listFiles(root, dir = root) {
  const out = [];
  for (const entry of await readdir6(dir, { withFileTypes: true }).catch(() => [])) {
    const abs = path15.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await listFiles(root, abs));
    else if (entry.isFile())
      out.push({ path: path15.relative(root, abs).split(path15.sep).join("/"), size: (await stat2(abs)).size });
  }
  return out.sort((a, b2) => a.path.localeCompare(b2.path));
}
async function resolveInside(root, rel) {
  if (rel.includes("\0")) return void 0;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(path15.resolve(realRoot, rel));
    if (real !== realRoot && !real.startsWith(realRoot + path15.sep)) return void 0;
    return (await stat2(real)).isFile() ? real : void 0;
  } catch {
    return void 0;
  }
}
function resultRoutes(ctx) {
  const folder = (id) => {
    const task = ctx.store.task(id);
    if (!task) throw notFound(`Task ${id}`);
    return task.outDir;
  };
  return [
    {
      method: "GET",
      path: "/api/task/:id/results",
      handler: async ({ res, params }) => {
        const dir = folder(params.id);
        sendJson(res, 200, { files: dir ? await listFiles(dir) : [] });
      }
    },
    {
      method: "GET",
      path: "/api/task/:id/results/*path",
      browser: true,
      handler: async ({ req, res, params }) => {
        const dir = folder(params.id);
        const file = dir && await resolveInside(dir, params.path);
        if (!file) throw notFound(`Result file ${params.path}`);
        const size = (await stat2(file)).size;
        const rel = params.path;
        const own = isOwnResult(rel, await planFolders(dir));
        res.writeHead(200, { ...resultHeaders(rel, own), "content-length": size });
        if (req.method === "HEAD") return void res.end();
        await new Promise((resolve, reject) => {
          createReadStream2(file).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
        });
      }
    }
  ];
}

// src/server/routes-swarm.ts
function swarmRoutes(ctx) {
  return [
    {
      method: "GET",
      path: "/api/swarm",
      handler: async ({ res }) => {
        const client = await ctx.connect();
        const [info, nodes] = await Promise.all([client.info(), client.nodes()]);
        sendJson(res, 200, {
          engineVersion: info.serverVersion,
          nodes: nodes.map((n2) => ({
            id: n2.id,
            hostname: n2.hostname,
            role: n2.role,
            availability: n2.availability,
            state: n2.state,
            engineVersion: n2.engineVersion,
            cpus: n2.cpus,
            memoryBytes: n2.memoryBytes
          })),
          queue: {
            running: ctx.queue.activeCount,
            queued: ctx.store.queued().length,
            concurrency: ctx.options.concurrency
          }
        });
      }
    },
    {
      method: "GET",
      path: "/api/monitoring/ping",
      open: true,
      handler: ({ res }) => sendJson(res, 200, { status: "ok", version: ctx.version })
    }
  ];
}

// src/server/submit.ts
import { randomBytes as randomBytes3 } from "node:crypto";

// node_modules/croner/dist/croner.js
function h(n2, t, e2, r, s, i, a, l) {
  return h.fromTZ(h.tp(n2, t, e2, r, s, i, a), l);
}
h.fromTZISO = (n2, t, e2) => h.fromTZ(k(n2, t), e2);
h.fromTZ = function(n2, t) {
  let e2 = new Date(Date.UTC(n2.y, n2.m - 1, n2.d, n2.h, n2.i, n2.s)), r = D(n2.tz, e2), s = new Date(e2.getTime() - r), i = D(n2.tz, s);
  if (i - r === 0) return s;
  {
    let a = new Date(e2.getTime() - i), l = D(n2.tz, a);
    if (l - i === 0) return a;
    if (!t && l - i > 0) return a;
    if (t) throw new Error("Invalid date passed to fromTZ()");
    return s;
  }
};
h.toTZ = function(n2, t) {
  let e2 = n2.toLocaleString("en-US", { timeZone: t }).replace(/[\u202f]/, " "), r = new Date(e2);
  return { y: r.getFullYear(), m: r.getMonth() + 1, d: r.getDate(), h: r.getHours(), i: r.getMinutes(), s: r.getSeconds(), tz: t };
};
h.tp = (n2, t, e2, r, s, i, a) => ({ y: n2, m: t, d: e2, h: r, i: s, s: i, tz: a });
function D(n2, t = /* @__PURE__ */ new Date()) {
  let e2 = t.toLocaleString("en-US", { timeZone: n2, timeZoneName: "shortOffset" }).split(" ").slice(-1)[0], r = t.toLocaleString("en-US").replace(/[\u202f]/, " ");
  return Date.parse(`${r} GMT`) - Date.parse(`${r} ${e2}`);
}
function k(n2, t) {
  let e2 = new Date(Date.parse(n2));
  if (isNaN(e2)) throw new Error("minitz: Invalid ISO8601 passed to parser.");
  let r = n2.substring(9);
  return n2.includes("Z") || r.includes("-") || r.includes("+") ? h.tp(e2.getUTCFullYear(), e2.getUTCMonth() + 1, e2.getUTCDate(), e2.getUTCHours(), e2.getUTCMinutes(), e2.getUTCSeconds(), "Etc/UTC") : h.tp(e2.getFullYear(), e2.getMonth() + 1, e2.getDate(), e2.getHours(), e2.getMinutes(), e2.getSeconds(), t);
}
h.minitz = h;
var b = 32;
var p = 31 | b;
var v = [1, 2, 4, 8, 16];
var d = class {
  pattern;
  timezone;
  second;
  minute;
  hour;
  day;
  month;
  dayOfWeek;
  lastDayOfMonth;
  starDOM;
  starDOW;
  constructor(t, e2) {
    this.pattern = t, this.timezone = e2, this.second = Array(60).fill(0), this.minute = Array(60).fill(0), this.hour = Array(24).fill(0), this.day = Array(31).fill(0), this.month = Array(12).fill(0), this.dayOfWeek = Array(7).fill(0), this.lastDayOfMonth = false, this.starDOM = false, this.starDOW = false, this.parse();
  }
  parse() {
    if (!(typeof this.pattern == "string" || this.pattern instanceof String)) throw new TypeError("CronPattern: Pattern has to be of type string.");
    this.pattern.indexOf("@") >= 0 && (this.pattern = this.handleNicknames(this.pattern).trim());
    let t = this.pattern.replace(/\s+/g, " ").split(" ");
    if (t.length < 5 || t.length > 6) throw new TypeError("CronPattern: invalid configuration format ('" + this.pattern + "'), exactly five or six space separated parts are required.");
    if (t.length === 5 && t.unshift("0"), t[3].indexOf("L") >= 0 && (t[3] = t[3].replace("L", ""), this.lastDayOfMonth = true), t[3] == "*" && (this.starDOM = true), t[4].length >= 3 && (t[4] = this.replaceAlphaMonths(t[4])), t[5].length >= 3 && (t[5] = this.replaceAlphaDays(t[5])), t[5] == "*" && (this.starDOW = true), this.pattern.indexOf("?") >= 0) {
      let e2 = new f(/* @__PURE__ */ new Date(), this.timezone).getDate(true);
      t[0] = t[0].replace("?", e2.getSeconds().toString()), t[1] = t[1].replace("?", e2.getMinutes().toString()), t[2] = t[2].replace("?", e2.getHours().toString()), this.starDOM || (t[3] = t[3].replace("?", e2.getDate().toString())), t[4] = t[4].replace("?", (e2.getMonth() + 1).toString()), this.starDOW || (t[5] = t[5].replace("?", e2.getDay().toString()));
    }
    this.throwAtIllegalCharacters(t), this.partToArray("second", t[0], 0, 1), this.partToArray("minute", t[1], 0, 1), this.partToArray("hour", t[2], 0, 1), this.partToArray("day", t[3], -1, 1), this.partToArray("month", t[4], -1, 1), this.partToArray("dayOfWeek", t[5], 0, p), this.dayOfWeek[7] && (this.dayOfWeek[0] = this.dayOfWeek[7]);
  }
  partToArray(t, e2, r, s) {
    let i = this[t], a = t === "day" && this.lastDayOfMonth;
    if (e2 === "" && !a) throw new TypeError("CronPattern: configuration entry " + t + " (" + e2 + ") is empty, check for trailing spaces.");
    if (e2 === "*") return i.fill(s);
    let l = e2.split(",");
    if (l.length > 1) for (let o = 0; o < l.length; o++) this.partToArray(t, l[o], r, s);
    else e2.indexOf("-") !== -1 && e2.indexOf("/") !== -1 ? this.handleRangeWithStepping(e2, t, r, s) : e2.indexOf("-") !== -1 ? this.handleRange(e2, t, r, s) : e2.indexOf("/") !== -1 ? this.handleStepping(e2, t, r, s) : e2 !== "" && this.handleNumber(e2, t, r, s);
  }
  throwAtIllegalCharacters(t) {
    for (let e2 = 0; e2 < t.length; e2++) if ((e2 === 5 ? /[^/*0-9,\-#L]+/ : /[^/*0-9,-]+/).test(t[e2])) throw new TypeError("CronPattern: configuration entry " + e2 + " (" + t[e2] + ") contains illegal characters.");
  }
  handleNumber(t, e2, r, s) {
    let i = this.extractNth(t, e2), a = parseInt(i[0], 10) + r;
    if (isNaN(a)) throw new TypeError("CronPattern: " + e2 + " is not a number: '" + t + "'");
    this.setPart(e2, a, i[1] || s);
  }
  setPart(t, e2, r) {
    if (!Object.prototype.hasOwnProperty.call(this, t)) throw new TypeError("CronPattern: Invalid part specified: " + t);
    if (t === "dayOfWeek") {
      if (e2 === 7 && (e2 = 0), e2 < 0 || e2 > 6) throw new RangeError("CronPattern: Invalid value for dayOfWeek: " + e2);
      this.setNthWeekdayOfMonth(e2, r);
      return;
    }
    if (t === "second" || t === "minute") {
      if (e2 < 0 || e2 >= 60) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e2);
    } else if (t === "hour") {
      if (e2 < 0 || e2 >= 24) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e2);
    } else if (t === "day") {
      if (e2 < 0 || e2 >= 31) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e2);
    } else if (t === "month" && (e2 < 0 || e2 >= 12)) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e2);
    this[t][e2] = r;
  }
  handleRangeWithStepping(t, e2, r, s) {
    let i = this.extractNth(t, e2), a = i[0].match(/^(\d+)-(\d+)\/(\d+)$/);
    if (a === null) throw new TypeError("CronPattern: Syntax error, illegal range with stepping: '" + t + "'");
    let [, l, o, u] = a, c = parseInt(l, 10) + r, w = parseInt(o, 10) + r, C = parseInt(u, 10);
    if (isNaN(c)) throw new TypeError("CronPattern: Syntax error, illegal lower range (NaN)");
    if (isNaN(w)) throw new TypeError("CronPattern: Syntax error, illegal upper range (NaN)");
    if (isNaN(C)) throw new TypeError("CronPattern: Syntax error, illegal stepping: (NaN)");
    if (C === 0) throw new TypeError("CronPattern: Syntax error, illegal stepping: 0");
    if (C > this[e2].length) throw new TypeError("CronPattern: Syntax error, steps cannot be greater than maximum value of part (" + this[e2].length + ")");
    if (c > w) throw new TypeError("CronPattern: From value is larger than to value: '" + t + "'");
    for (let T = c; T <= w; T += C) this.setPart(e2, T, i[1] || s);
  }
  extractNth(t, e2) {
    let r = t, s;
    if (r.includes("#")) {
      if (e2 !== "dayOfWeek") throw new Error("CronPattern: nth (#) only allowed in day-of-week field");
      s = r.split("#")[1], r = r.split("#")[0];
    }
    return [r, s];
  }
  handleRange(t, e2, r, s) {
    let i = this.extractNth(t, e2), a = i[0].split("-");
    if (a.length !== 2) throw new TypeError("CronPattern: Syntax error, illegal range: '" + t + "'");
    let l = parseInt(a[0], 10) + r, o = parseInt(a[1], 10) + r;
    if (isNaN(l)) throw new TypeError("CronPattern: Syntax error, illegal lower range (NaN)");
    if (isNaN(o)) throw new TypeError("CronPattern: Syntax error, illegal upper range (NaN)");
    if (l > o) throw new TypeError("CronPattern: From value is larger than to value: '" + t + "'");
    for (let u = l; u <= o; u++) this.setPart(e2, u, i[1] || s);
  }
  handleStepping(t, e2, r, s) {
    let i = this.extractNth(t, e2), a = i[0].split("/");
    if (a.length !== 2) throw new TypeError("CronPattern: Syntax error, illegal stepping: '" + t + "'");
    a[0] === "" && (a[0] = "*");
    let l = 0;
    a[0] !== "*" && (l = parseInt(a[0], 10) + r);
    let o = parseInt(a[1], 10);
    if (isNaN(o)) throw new TypeError("CronPattern: Syntax error, illegal stepping: (NaN)");
    if (o === 0) throw new TypeError("CronPattern: Syntax error, illegal stepping: 0");
    if (o > this[e2].length) throw new TypeError("CronPattern: Syntax error, max steps for part is (" + this[e2].length + ")");
    for (let u = l; u < this[e2].length; u += o) this.setPart(e2, u, i[1] || s);
  }
  replaceAlphaDays(t) {
    return t.replace(/-sun/gi, "-7").replace(/sun/gi, "0").replace(/mon/gi, "1").replace(/tue/gi, "2").replace(/wed/gi, "3").replace(/thu/gi, "4").replace(/fri/gi, "5").replace(/sat/gi, "6");
  }
  replaceAlphaMonths(t) {
    return t.replace(/jan/gi, "1").replace(/feb/gi, "2").replace(/mar/gi, "3").replace(/apr/gi, "4").replace(/may/gi, "5").replace(/jun/gi, "6").replace(/jul/gi, "7").replace(/aug/gi, "8").replace(/sep/gi, "9").replace(/oct/gi, "10").replace(/nov/gi, "11").replace(/dec/gi, "12");
  }
  handleNicknames(t) {
    let e2 = t.trim().toLowerCase();
    return e2 === "@yearly" || e2 === "@annually" ? "0 0 1 1 *" : e2 === "@monthly" ? "0 0 1 * *" : e2 === "@weekly" ? "0 0 * * 0" : e2 === "@daily" ? "0 0 * * *" : e2 === "@hourly" ? "0 * * * *" : t;
  }
  setNthWeekdayOfMonth(t, e2) {
    if (typeof e2 != "number" && e2 === "L") this.dayOfWeek[t] = this.dayOfWeek[t] | b;
    else if (e2 === p) this.dayOfWeek[t] = p;
    else if (e2 < 6 && e2 > 0) this.dayOfWeek[t] = this.dayOfWeek[t] | v[e2 - 1];
    else throw new TypeError(`CronPattern: nth weekday out of range, should be 1-5 or L. Value: ${e2}, Type: ${typeof e2}`);
  }
};
var O = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
var m = [["month", "year", 0], ["day", "month", -1], ["hour", "day", 0], ["minute", "hour", 0], ["second", "minute", 0]];
var f = class n {
  tz;
  ms;
  second;
  minute;
  hour;
  day;
  month;
  year;
  constructor(t, e2) {
    if (this.tz = e2, t && t instanceof Date) if (!isNaN(t)) this.fromDate(t);
    else throw new TypeError("CronDate: Invalid date passed to CronDate constructor");
    else if (t === void 0) this.fromDate(/* @__PURE__ */ new Date());
    else if (t && typeof t == "string") this.fromString(t);
    else if (t instanceof n) this.fromCronDate(t);
    else throw new TypeError("CronDate: Invalid type (" + typeof t + ") passed to CronDate constructor");
  }
  isNthWeekdayOfMonth(t, e2, r, s) {
    let a = new Date(Date.UTC(t, e2, r)).getUTCDay(), l = 0;
    for (let o = 1; o <= r; o++) new Date(Date.UTC(t, e2, o)).getUTCDay() === a && l++;
    if (s & p && v[l - 1] & s) return true;
    if (s & b) {
      let o = new Date(Date.UTC(t, e2 + 1, 0)).getUTCDate();
      for (let u = r + 1; u <= o; u++) if (new Date(Date.UTC(t, e2, u)).getUTCDay() === a) return false;
      return true;
    }
    return false;
  }
  fromDate(t) {
    if (this.tz !== void 0) if (typeof this.tz == "number") this.ms = t.getUTCMilliseconds(), this.second = t.getUTCSeconds(), this.minute = t.getUTCMinutes() + this.tz, this.hour = t.getUTCHours(), this.day = t.getUTCDate(), this.month = t.getUTCMonth(), this.year = t.getUTCFullYear(), this.apply();
    else {
      let e2 = h.toTZ(t, this.tz);
      this.ms = t.getMilliseconds(), this.second = e2.s, this.minute = e2.i, this.hour = e2.h, this.day = e2.d, this.month = e2.m - 1, this.year = e2.y;
    }
    else this.ms = t.getMilliseconds(), this.second = t.getSeconds(), this.minute = t.getMinutes(), this.hour = t.getHours(), this.day = t.getDate(), this.month = t.getMonth(), this.year = t.getFullYear();
  }
  fromCronDate(t) {
    this.tz = t.tz, this.year = t.year, this.month = t.month, this.day = t.day, this.hour = t.hour, this.minute = t.minute, this.second = t.second, this.ms = t.ms;
  }
  apply() {
    if (this.month > 11 || this.day > O[this.month] || this.hour > 59 || this.minute > 59 || this.second > 59 || this.hour < 0 || this.minute < 0 || this.second < 0) {
      let t = new Date(Date.UTC(this.year, this.month, this.day, this.hour, this.minute, this.second, this.ms));
      return this.ms = t.getUTCMilliseconds(), this.second = t.getUTCSeconds(), this.minute = t.getUTCMinutes(), this.hour = t.getUTCHours(), this.day = t.getUTCDate(), this.month = t.getUTCMonth(), this.year = t.getUTCFullYear(), true;
    } else return false;
  }
  fromString(t) {
    if (typeof this.tz == "number") {
      let e2 = h.fromTZISO(t);
      this.ms = e2.getUTCMilliseconds(), this.second = e2.getUTCSeconds(), this.minute = e2.getUTCMinutes(), this.hour = e2.getUTCHours(), this.day = e2.getUTCDate(), this.month = e2.getUTCMonth(), this.year = e2.getUTCFullYear(), this.apply();
    } else return this.fromDate(h.fromTZISO(t, this.tz));
  }
  findNext(t, e2, r, s) {
    let i = this[e2], a;
    r.lastDayOfMonth && (this.month !== 1 ? a = O[this.month] : a = new Date(Date.UTC(this.year, this.month + 1, 0, 0, 0, 0, 0)).getUTCDate());
    let l = !r.starDOW && e2 == "day" ? new Date(Date.UTC(this.year, this.month, 1, 0, 0, 0, 0)).getUTCDay() : void 0;
    for (let o = this[e2] + s; o < r[e2].length; o++) {
      let u = r[e2][o];
      if (e2 === "day" && r.lastDayOfMonth && o - s == a && (u = 1), e2 === "day" && !r.starDOW) {
        let c = r.dayOfWeek[(l + (o - s - 1)) % 7];
        if (c && c & p) c = this.isNthWeekdayOfMonth(this.year, this.month, o - s, c) ? 1 : 0;
        else if (c) throw new Error(`CronDate: Invalid value for dayOfWeek encountered. ${c}`);
        t.legacyMode && !r.starDOM ? u = u || c : u = u && c;
      }
      if (u) return this[e2] = o - s, i !== this[e2] ? 2 : 1;
    }
    return 3;
  }
  recurse(t, e2, r) {
    let s = this.findNext(e2, m[r][0], t, m[r][2]);
    if (s > 1) {
      let i = r + 1;
      for (; i < m.length; ) this[m[i][0]] = -m[i][2], i++;
      if (s === 3) return this[m[r][1]]++, this[m[r][0]] = -m[r][2], this.apply(), this.recurse(t, e2, 0);
      if (this.apply()) return this.recurse(t, e2, r - 1);
    }
    return r += 1, r >= m.length ? this : this.year >= 3e3 ? null : this.recurse(t, e2, r);
  }
  increment(t, e2, r) {
    return this.second += e2.interval !== void 0 && e2.interval > 1 && r ? e2.interval : 1, this.ms = 0, this.apply(), this.recurse(t, e2, 0);
  }
  getDate(t) {
    return t || this.tz === void 0 ? new Date(this.year, this.month, this.day, this.hour, this.minute, this.second, this.ms) : typeof this.tz == "number" ? new Date(Date.UTC(this.year, this.month, this.day, this.hour, this.minute - this.tz, this.second, this.ms)) : h.fromTZ(h.tp(this.year, this.month + 1, this.day, this.hour, this.minute, this.second, this.tz), false);
  }
  getTime() {
    return this.getDate(false).getTime();
  }
};
function N(n2) {
  if (n2 === void 0 && (n2 = {}), delete n2.name, n2.legacyMode = n2.legacyMode === void 0 ? true : n2.legacyMode, n2.paused = n2.paused === void 0 ? false : n2.paused, n2.maxRuns = n2.maxRuns === void 0 ? 1 / 0 : n2.maxRuns, n2.catch = n2.catch === void 0 ? false : n2.catch, n2.interval = n2.interval === void 0 ? 0 : parseInt(n2.interval.toString(), 10), n2.utcOffset = n2.utcOffset === void 0 ? void 0 : parseInt(n2.utcOffset.toString(), 10), n2.unref = n2.unref === void 0 ? false : n2.unref, n2.startAt && (n2.startAt = new f(n2.startAt, n2.timezone)), n2.stopAt && (n2.stopAt = new f(n2.stopAt, n2.timezone)), n2.interval !== null) {
    if (isNaN(n2.interval)) throw new Error("CronOptions: Supplied value for interval is not a number");
    if (n2.interval < 0) throw new Error("CronOptions: Supplied value for interval can not be negative");
  }
  if (n2.utcOffset !== void 0) {
    if (isNaN(n2.utcOffset)) throw new Error("CronOptions: Invalid value passed for utcOffset, should be number representing minutes offset from UTC.");
    if (n2.utcOffset < -870 || n2.utcOffset > 870) throw new Error("CronOptions: utcOffset out of bounds.");
    if (n2.utcOffset !== void 0 && n2.timezone) throw new Error("CronOptions: Combining 'utcOffset' with 'timezone' is not allowed.");
  }
  if (n2.unref !== true && n2.unref !== false) throw new Error("CronOptions: Unref should be either true, false or undefined(false).");
  return n2;
}
function g(n2) {
  return Object.prototype.toString.call(n2) === "[object Function]" || typeof n2 == "function" || n2 instanceof Function;
}
function S(n2) {
  return g(n2);
}
function P(n2) {
  typeof Deno < "u" && typeof Deno.unrefTimer < "u" ? Deno.unrefTimer(n2) : n2 && typeof n2.unref < "u" && n2.unref();
}
var _ = 30 * 1e3;
var y = [];
var R = class {
  name;
  options;
  _states;
  fn;
  constructor(t, e2, r) {
    let s, i;
    if (g(e2)) i = e2;
    else if (typeof e2 == "object") s = e2;
    else if (e2 !== void 0) throw new Error("Cron: Invalid argument passed for optionsIn. Should be one of function, or object (options).");
    if (g(r)) i = r;
    else if (typeof r == "object") s = r;
    else if (r !== void 0) throw new Error("Cron: Invalid argument passed for funcIn. Should be one of function, or object (options).");
    if (this.name = s?.name, this.options = N(s), this._states = { kill: false, blocking: false, previousRun: void 0, currentRun: void 0, once: void 0, currentTimeout: void 0, maxRuns: s ? s.maxRuns : void 0, paused: s ? s.paused : false, pattern: new d("* * * * *") }, t && (t instanceof Date || typeof t == "string" && t.indexOf(":") > 0) ? this._states.once = new f(t, this.options.timezone || this.options.utcOffset) : this._states.pattern = new d(t, this.options.timezone), this.name) {
      if (y.find((l) => l.name === this.name)) throw new Error("Cron: Tried to initialize new named job '" + this.name + "', but name already taken.");
      y.push(this);
    }
    return i !== void 0 && S(i) && (this.fn = i, this.schedule()), this;
  }
  nextRun(t) {
    let e2 = this._next(t);
    return e2 ? e2.getDate(false) : null;
  }
  nextRuns(t, e2) {
    this._states.maxRuns !== void 0 && t > this._states.maxRuns && (t = this._states.maxRuns);
    let r = [], s = e2 || this._states.currentRun || void 0;
    for (; t-- && (s = this.nextRun(s)); ) r.push(s);
    return r;
  }
  getPattern() {
    return this._states.pattern ? this._states.pattern.pattern : void 0;
  }
  isRunning() {
    let t = this.nextRun(this._states.currentRun), e2 = !this._states.paused, r = this.fn !== void 0, s = !this._states.kill;
    return e2 && r && s && t !== null;
  }
  isStopped() {
    return this._states.kill;
  }
  isBusy() {
    return this._states.blocking;
  }
  currentRun() {
    return this._states.currentRun ? this._states.currentRun.getDate() : null;
  }
  previousRun() {
    return this._states.previousRun ? this._states.previousRun.getDate() : null;
  }
  msToNext(t) {
    let e2 = this._next(t);
    return e2 ? t instanceof f || t instanceof Date ? e2.getTime() - t.getTime() : e2.getTime() - new f(t).getTime() : null;
  }
  stop() {
    this._states.kill = true, this._states.currentTimeout && clearTimeout(this._states.currentTimeout);
    let t = y.indexOf(this);
    t >= 0 && y.splice(t, 1);
  }
  pause() {
    return this._states.paused = true, !this._states.kill;
  }
  resume() {
    return this._states.paused = false, !this._states.kill;
  }
  schedule(t) {
    if (t && this.fn) throw new Error("Cron: It is not allowed to schedule two functions using the same Croner instance.");
    t && (this.fn = t);
    let e2 = this.msToNext(), r = this.nextRun(this._states.currentRun);
    return e2 == null || isNaN(e2) || r === null ? this : (e2 > _ && (e2 = _), this._states.currentTimeout = setTimeout(() => this._checkTrigger(r), e2), this._states.currentTimeout && this.options.unref && P(this._states.currentTimeout), this);
  }
  async _trigger(t) {
    if (this._states.blocking = true, this._states.currentRun = new f(void 0, this.options.timezone || this.options.utcOffset), this.options.catch) try {
      this.fn !== void 0 && await this.fn(this, this.options.context);
    } catch (e2) {
      g(this.options.catch) && this.options.catch(e2, this);
    }
    else this.fn !== void 0 && await this.fn(this, this.options.context);
    this._states.previousRun = new f(t, this.options.timezone || this.options.utcOffset), this._states.blocking = false;
  }
  async trigger() {
    await this._trigger();
  }
  runsLeft() {
    return this._states.maxRuns;
  }
  _checkTrigger(t) {
    let e2 = /* @__PURE__ */ new Date(), r = !this._states.paused && e2.getTime() >= t.getTime(), s = this._states.blocking && this.options.protect;
    r && !s ? (this._states.maxRuns !== void 0 && this._states.maxRuns--, this._trigger()) : r && s && g(this.options.protect) && setTimeout(() => this.options.protect(this), 0), this.schedule();
  }
  _next(t) {
    let e2 = !!(t || this._states.currentRun), r = false;
    !t && this.options.startAt && this.options.interval && ([t, e2] = this._calculatePreviousRun(t, e2), r = !t), t = new f(t, this.options.timezone || this.options.utcOffset), this.options.startAt && t && t.getTime() < this.options.startAt.getTime() && (t = this.options.startAt);
    let s = this._states.once || new f(t, this.options.timezone || this.options.utcOffset);
    return !r && s !== this._states.once && (s = s.increment(this._states.pattern, this.options, e2)), this._states.once && this._states.once.getTime() <= t.getTime() || s === null || this._states.maxRuns !== void 0 && this._states.maxRuns <= 0 || this._states.kill || this.options.stopAt && s.getTime() >= this.options.stopAt.getTime() ? null : s;
  }
  _calculatePreviousRun(t, e2) {
    let r = new f(void 0, this.options.timezone || this.options.utcOffset), s = t;
    if (this.options.startAt.getTime() <= r.getTime()) {
      s = this.options.startAt;
      let i = s.getTime() + this.options.interval * 1e3;
      for (; i <= r.getTime(); ) s = new f(s, this.options.timezone || this.options.utcOffset).increment(this._states.pattern, this.options, true), i = s.getTime() + this.options.interval * 1e3;
      e2 = true;
    }
    return s === null && (s = void 0), [s, e2];
  }
};

// src/server/schedules.ts
function cronProblem(expr) {
  if (expr.trim().split(/\s+/).length !== 5)
    return `"${expr}" is not a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`;
  try {
    const next2 = new R(expr, { paused: true }).nextRun();
    return next2 ? void 0 : `"${expr}" never runs`;
  } catch (e2) {
    return `"${expr}" is not a cron expression: ${errorMessage(e2)}`;
  }
}
var Scheduler = class {
  constructor(store, due, logger) {
    this.store = store;
    this.due = due;
    this.logger = logger;
  }
  store;
  due;
  logger;
  jobs = /* @__PURE__ */ new Map();
  start() {
    for (const s of this.store.schedules()) this.arm(s);
  }
  add(s) {
    const record = { ...s, nextRun: next(s.cron) };
    this.store.insertSchedule(record);
    this.arm(record);
    return record;
  }
  remove(id) {
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
    return this.store.removeSchedule(id);
  }
  stop() {
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }
  arm(s) {
    const job = new R(s.cron, { protect: true }, () => {
      try {
        const taskId = this.due(this.store.schedule(s.id) ?? s);
        this.store.updateSchedule(s.id, next(s.cron), taskId);
        this.logger.info(`schedule ${s.id} (${s.cron}): queued task ${taskId}`);
      } catch (e2) {
        this.logger.warn(`schedule ${s.id} (${s.cron}) could not queue its task: ${errorMessage(e2)}`);
      }
    });
    this.jobs.set(s.id, job);
    this.store.updateSchedule(s.id, next(s.cron));
  }
};
function next(cron) {
  return new R(cron, { paused: true }).nextRun()?.toISOString();
}

// src/server/submit.ts
var newId = () => randomBytes3(9).toString("base64url");
async function checkSubmission(body, ctx, owner) {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest(["body: must be a JSON object (a task)"]);
  const payload = body;
  const problems = [];
  const schedule = payload.schedule;
  if (schedule !== void 0) {
    const p2 = typeof schedule === "string" ? cronProblem(schedule) : 'must be a cron expression such as "0 2 * * *"';
    if (p2) problems.push(`schedule: ${p2}`);
  }
  const seed = "master" in payload || "worker" in payload;
  if (seed) {
    const { problems: seedProblems, spec } = parseSeedTask(withoutKey(payload, "schedule"));
    problems.push(...seedProblems);
    if (spec) problems.push(...seedLimitProblems(spec, ctx.options.limits));
    for (const [role, def] of [
      ["master", spec?.master],
      ["worker", spec?.worker]
    ]) {
      const p2 = def?.fileId && await uploadProblem(ctx, owner, def.fileId, `${role}.fileId`);
      if (p2) problems.push(p2);
    }
  } else {
    problems.push(...await atqProblems(payload, ctx, owner));
  }
  problems.push(...storedProblems(ctx, owner));
  if (payload.name !== void 0 && (typeof payload.name !== "string" || !payload.name.trim()))
    problems.push("name: must be a non-empty string");
  if (problems.length) throw badRequest(problems, "The task cannot run");
  return {
    kind: seed ? "seed" : "atq",
    name: typeof payload.name === "string" ? payload.name : void 0,
    schedule: typeof schedule === "string" ? schedule : void 0,
    payload: withoutKey(payload, "schedule")
  };
}
async function atqProblems(payload, ctx, owner) {
  const fileId = payload.fileId;
  if (typeof fileId !== "string" || !fileId)
    return [
      "fileId: required, the id POST /api/databind/upload answered (or give master/worker: the seed's form)"
    ];
  const problem = await uploadProblem(ctx, owner, fileId, "fileId");
  const folder = ctx.files.folder(fileId);
  if (problem || !folder) return [problem ?? `fileId: no upload has the id "${fileId}"`];
  const problems = sourceProblems(payload.source);
  if (parseAutoBaseline(payload.baseline) && typeof payload.name !== "string")
    problems.push(
      "baseline: auto compares with earlier tasks of the same name; give the task a name (atq run --server names it after its plans)"
    );
  return [
    ...problems,
    ...optionProblems(optionValues(payload), folder, ctx.options.allowNetworks, ctx.options.limits)
  ];
}
function storedProblems(ctx, owner) {
  const stored = ctx.store.storedBytes(owner);
  const max = ctx.options.limits.maxStoredBytesPerToken;
  if (stored < max) return [];
  return [
    `${owner} keeps ${formatBytes(stored)} of results on this server, the most it allows per token (--max-stored ${formatBytes(max)}); download what you need and let older tasks expire (--keep-results), or ask its operator to raise --max-stored`
  ];
}
function withoutKey(o, key) {
  const copy = { ...o };
  delete copy[key];
  return copy;
}
function enqueue(s, owner, ctx, scheduleId) {
  const waiting = ctx.store.queued().filter((t) => t.owner === owner).length;
  if (!scheduleId && waiting >= ctx.options.maxQueuedPerToken) {
    throw new HttpError(
      429,
      "QUEUE_LIMIT",
      `${owner} already has ${waiting} task(s) waiting, the most this server allows per token (--max-queued ${ctx.options.maxQueuedPerToken}). Wait for them to run, or cancel some (DELETE /api/task/{id}).`
    );
  }
  assertUploadsAvailable(ctx, s.payload);
  const task = ctx.store.insertTask({
    id: newId(),
    name: s.name,
    kind: s.kind,
    status: "queued",
    owner,
    payload: s.payload,
    createdAt: (/* @__PURE__ */ new Date()).toISOString(),
    scheduleId
  });
  ctx.queue.add(task);
  return task;
}

// src/server/routes-tasks.ts
var STATUSES2 = TASK_STATUSES;
function taskRoutes(ctx) {
  const { store, queue } = ctx;
  const found = (id) => {
    const task = store.task(id);
    if (!task) throw notFound(`Task ${id}`);
    return task;
  };
  return [
    {
      method: "PUT",
      path: "/api/task",
      handler: async ({ req, res, owner }) => {
        const submission = await checkSubmission(await readJson(req), ctx, owner);
        if (submission.schedule) {
          const mine = store.schedules().filter((x) => x.owner === owner).length;
          if (mine >= ctx.options.maxQueuedPerToken)
            throw new HttpError(
              429,
              "QUEUE_LIMIT",
              `${owner} already has ${mine} schedule(s), the most this server allows per token (--max-queued ${ctx.options.maxQueuedPerToken}). Remove one first (DELETE /api/schedule/{id}).`
            );
          assertUploadsAvailable(ctx, submission.payload);
          const s = ctx.schedules.add({
            id: newId(),
            cron: submission.schedule,
            name: submission.name,
            owner,
            payload: submission.payload,
            createdAt: (/* @__PURE__ */ new Date()).toISOString()
          });
          return sendJson(res, 201, shownSchedule(s), { location: `/api/schedule/${s.id}` });
        }
        const { id } = enqueue(submission, owner, ctx);
        const task = queue.view(found(id));
        sendJson(
          res,
          202,
          { id: task.id, status: "queued", position: task.position },
          {
            location: `/api/task/${task.id}`
          }
        );
      }
    },
    {
      method: "GET",
      path: "/api/task",
      handler: ({ res, url }) => {
        const status = (url.searchParams.get("status") ?? "").split(",").filter(Boolean);
        const bad = status.filter((s) => !STATUSES2.includes(s));
        if (bad.length) throw badRequest([`status: ${bad.join(", ")} not one of ${STATUSES2.join(", ")}`]);
        const limit = intParam(url, "limit", 50, [1, 500]);
        const offset = intParam(url, "offset", 0, [0, 1e9]);
        const { tasks, total } = store.tasks({
          status,
          owner: url.searchParams.get("owner") ?? void 0,
          scheduleId: url.searchParams.get("schedule") ?? void 0,
          limit,
          offset
        });
        sendJson(res, 200, { tasks: tasks.map((t) => queue.view(t)), total, limit, offset });
      }
    },
    {
      method: "GET",
      path: "/api/task/:id",
      handler: ({ res, params }) => sendJson(res, 200, queue.view(found(params.id)))
    },
    {
      method: "DELETE",
      path: "/api/task/:id",
      handler: ({ res, params, owner }) => {
        const task = found(params.id);
        mayChange(owner, task.owner, `task ${task.id}`, ctx);
        if (ENDED.has(task.status) || !queue.cancel(task.id))
          throw new HttpError(409, "TASK_ENDED", `Task ${task.id} has already ended (${task.status}).`);
        const now = found(task.id);
        sendJson(res, now.status === "cancelled" ? 200 : 202, queue.view(now));
      }
    },
    {
      method: "GET",
      path: "/api/schedule",
      handler: ({ res }) => sendJson(res, 200, { schedules: store.schedules().map(shownSchedule) })
    },
    {
      method: "DELETE",
      path: "/api/schedule/:id",
      handler: ({ res, params, owner }) => {
        const schedule = store.schedule(params.id);
        if (!schedule) throw notFound(`Schedule ${params.id}`);
        mayChange(owner, schedule.owner, `schedule ${schedule.id}`, ctx);
        ctx.schedules.remove(schedule.id);
        res.writeHead(204).end();
      }
    }
  ];
}
function mayChange(caller, owner, what, ctx) {
  if (!mayActFor(caller, owner, ctx.tokens))
    throw new HttpError(
      403,
      "NOT_OWNER",
      `${what} was submitted by ${owner}; only that token (or an admin token) may cancel or remove it.`
    );
}
function shownSchedule(s) {
  return { ...s, payload: shownPayload(s.payload) };
}

// src/server/server.ts
var LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
async function startServer(options2, logger, version) {
  if (!options2.tokensFile && !LOOPBACK.test(options2.host))
    throw new AtqError(
      "CONFIG_INVALID",
      `Listening on ${options2.host} without --tokens would let anyone on the network run load tests on your swarm. Give --tokens FILE (create tokens with --add-token NAME), or listen on 127.0.0.1.`
    );
  const tokens = options2.tokensFile ? await Tokens.load(options2.tokensFile) : void 0;
  if (tokens && !options2.tlsCert && !LOOPBACK.test(options2.host))
    logger.warn(
      `tokens cross the network in clear text on ${options2.host}: give --tls-cert and --tls-key (or a TLS proxy)`
    );
  const tls = options2.tlsCert && options2.tlsKey ? { cert: await readFile5(options2.tlsCert), key: await readFile5(options2.tlsKey) } : void 0;
  const ctx = buildContext(await Store.open(options2.dataDir), options2, logger, version, tokens);
  await ctx.files.sweep();
  const routes = compile([
    ...taskRoutes(ctx),
    ...eventRoutes(ctx),
    ...resultRoutes(ctx),
    ...historyRoutes(ctx),
    ...fileRoutes(ctx),
    ...swarmRoutes(ctx),
    ...openApiRoutes(ctx),
    ...pageRoutes(ctx)
  ]);
  const handler = (req, res) => void handle(ctx, routes, req, res);
  const checking = { connectionsCheckingInterval: Math.min(3e4, options2.headersTimeoutMs) };
  const server = tls ? https.createServer({ ...tls, ...checking }, handler) : http.createServer(checking, handler);
  server.headersTimeout = options2.headersTimeoutMs;
  server.requestTimeout = options2.requestTimeoutMs;
  server.maxConnections = options2.maxConnections;
  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(options2.port, options2.host, () => resolve());
    });
  } catch (e2) {
    ctx.store.close();
    throw new AtqError(
      "CONFIG_INVALID",
      `Cannot listen on ${options2.host}:${options2.port}: ${errorMessage(e2)}. Choose another --listen.`
    );
  }
  const recovered = ctx.queue.recover();
  ctx.schedules.start();
  const stopRetention = startRetention(ctx);
  const { port } = server.address();
  const host = options2.host.includes(":") ? `[${options2.host}]` : options2.host;
  const url = `${tls ? "https" : "http"}://${host}:${port}`;
  void recovered.catch((e2) => logger.warn(`recovering the queue failed: ${errorMessage(e2)}`));
  return {
    url,
    context: ctx,
    close: async () => {
      ctx.schedules.stop();
      stopRetention();
      ctx.queue.halt();
      await recovered.catch(() => {
      });
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ctx.queue.stop();
      ctx.store.close();
    }
  };
}
function buildContext(store, options2, logger, version, tokens) {
  const files = new FileStore(path16.join(options2.dataDir, "files"), {
    maxEntries: options2.maxEntries,
    maxTotalBytes: options2.maxExtractedBytes
  });
  const hub = new EventHub(options2.dataDir);
  const { taskCpus, taskMemoryBytes } = options2.limits;
  const connect = connector(options2.docker, { cpus: taskCpus, memoryBytes: taskMemoryBytes });
  const queue = new TaskQueue({
    store,
    hub,
    files,
    dataDir: options2.dataDir,
    allowNetworks: options2.allowNetworks,
    docker: options2.docker,
    limits: options2.limits,
    connect,
    concurrency: options2.concurrency,
    logger,
    sweepRun: async (runId) => {
      const result = await sweep(await connect(), { runId, force: true }, logger);
      logger.info(`swept run ${runId}: ${result.removed.length} object(s) removed`);
    }
  });
  const ctx = { options: options2, store, files, hub, queue, tokens, connect, logger, version };
  ctx.schedules = new Scheduler(
    store,
    (s) => {
      const waiting = store.tasks({ status: ["queued"], scheduleId: s.id, limit: 1, offset: 0 }).tasks[0];
      if (waiting) return waiting.id;
      const seed = "master" in s.payload || "worker" in s.payload;
      return enqueue({ kind: seed ? "seed" : "atq", name: s.name, payload: s.payload }, s.owner, ctx, s.id).id;
    },
    logger
  );
  return ctx;
}
async function handle(ctx, routes, req, res) {
  const url = new URL(req.url ?? "/", "http://atq.invalid");
  try {
    const { route, params, allowed } = match(routes, req.method ?? "GET", url.pathname);
    if (!route) {
      if (allowed.length)
        throw new HttpError(
          405,
          "METHOD_NOT_ALLOWED",
          `${req.method} is not allowed on ${url.pathname}; use ${allowed.join(", ")}.`,
          void 0,
          { allow: allowed.join(", ") }
        );
      throw new HttpError(
        404,
        "NOT_FOUND",
        `No such endpoint: ${req.method} ${url.pathname} (see /api/openapi.json).`
      );
    }
    checkOrigin(req, Boolean(ctx.tokens));
    const owner = route.open ? "anonymous" : authorise(req, ctx.tokens, Boolean(route.browser));
    await route.handler({ req, res, url, params, owner });
  } catch (e2) {
    if (res.headersSent) return void res.destroy();
    const error = asHttpError(e2, ctx);
    if (error.status === 401 || error.status === 413) error.headers.connection = "close";
    sendError(res, error);
  }
}
var LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/i;
var SAFE = /* @__PURE__ */ new Set(["GET", "HEAD", "OPTIONS"]);
function checkOrigin(req, hasTokens) {
  const host = req.headers.host ?? "";
  if (!hasTokens && !LOOPBACK_HOST.test(host))
    throw new HttpError(
      421,
      "MISDIRECTED",
      `This server answers only to its loopback address, not to "${host}".`
    );
  if (SAFE.has(req.method ?? "GET")) return;
  const origin = req.headers.origin;
  const crossSite = req.headers["sec-fetch-site"] === "cross-site";
  let foreign = false;
  if (origin) {
    try {
      foreign = new URL(origin).host !== host;
    } catch {
      foreign = true;
    }
  }
  if (crossSite || foreign)
    throw new HttpError(
      403,
      "CROSS_SITE",
      `Changes from another site's page (${origin ?? "cross-site"}) are refused.`
    );
}
function asHttpError(e2, ctx) {
  if (e2 instanceof HttpError) return e2;
  if (isAtqError(e2)) {
    const unavailable = ["DOCKER_CONNECT", "ENGINE_UNREACHABLE", "DOCKER_API", "NOT_SWARM_MANAGER"].includes(
      e2.code
    );
    return new HttpError(unavailable ? 503 : 500, e2.code, e2.message);
  }
  ctx.logger.warn(`internal error: ${e2 instanceof Error ? e2.stack ?? e2.message : String(e2)}`);
  return new HttpError(
    500,
    "INTERNAL",
    `The server failed: ${errorMessage(e2)}. This is a bug in atq; please report it.`
  );
}

// src/cli/serve-limits.ts
var LIMIT_FLAGS = {
  "max-workers": { key: "maxWorkers", kind: "count" },
  "max-timeout": { key: "maxTimeoutMs", kind: "duration" },
  "max-delay": { key: "maxDelayMs", kind: "duration" },
  "max-bundle": { key: "maxBundleBytes", kind: "size" },
  "max-results": { key: "maxResultBytes", kind: "size" },
  "max-stored": { key: "maxStoredBytesPerToken", kind: "size" },
  "task-cpus": { key: "taskCpus", kind: "cpus" },
  "task-memory": { key: "taskMemoryBytes", kind: "size" },
  "keep-results": { key: "keepResultsMs", kind: "retention" }
};
function limitFlagSpec() {
  return {
    ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((f2) => [f2, { type: "string" }])),
    "allow-image": { type: "string", multiple: true },
    "allow-monitor": { type: "string", multiple: true }
  };
}
function limitsFrom(flags, problems) {
  const limits = {
    ...SERVER_DEFAULTS.limits,
    allowImages: flags["allow-image"] ?? [],
    allowMonitors: flags["allow-monitor"] ?? []
  };
  problems.push(...allowMonitorProblems(limits.allowMonitors));
  for (const [flag, { key, kind }] of Object.entries(LIMIT_FLAGS)) {
    const raw = flags[flag];
    if (typeof raw !== "string") continue;
    const value = parseLimit(kind, raw);
    if (value === void 0) problems.push(`${flag}: "${raw}" ${EXPECTED[kind]}`);
    else limits[key] = value;
  }
  return limits;
}
var EXPECTED = {
  count: "is not a whole number from 1 to 10000",
  duration: "is not a duration from 1s to 24 days, e.g. 2h or 10m",
  retention: "is not a duration up to 24 days, e.g. 30d (0: keep everything)",
  size: "is not a size such as 100MB or 5GB",
  cpus: "is not a number of CPUs such as 2 or 0.5 (0: no limit)"
};
function parseLimit(kind, raw) {
  switch (kind) {
    case "count": {
      const n2 = Number(raw);
      return Number.isInteger(n2) && n2 >= 1 && n2 <= 1e4 ? n2 : void 0;
    }
    case "duration":
    case "retention": {
      const ms = parseDuration(raw);
      const least = kind === "retention" ? 0 : 1e3;
      return ms !== void 0 && ms >= least && ms <= MAX_TIMER_MS ? ms : void 0;
    }
    case "cpus": {
      const n2 = Number(raw);
      return raw.trim() && Number.isFinite(n2) && n2 >= 0 && n2 <= 1024 ? n2 : void 0;
    }
    default:
      return parseSize(raw);
  }
}

// src/cli/serve.ts
var SERVE_HELP = `Usage: atq serve [--listen 127.0.0.1:8480] [--data DIR] [--concurrency 1] [--tokens FILE]
                 [--tls-cert FILE --tls-key FILE] [--allow-network NAME ...] [--allow-image IMAGE ...]
                 [--allow-monitor SERVICE ...]
                 [--max-upload 100MB] [--max-queued 20] [--max-workers 50] [--max-timeout 2h]
                 [--max-delay 10m] [--max-bundle 100MB] [--max-results 2GB] [--max-stored 5GB]
                 [--task-cpus 2] [--task-memory 2GB] [--keep-results 30d] [--max-connections 256]
                 [connection options]
       atq serve --tokens FILE --add-token NAME [--admin]

Runs the ATQ service: a REST API (/api, described at /api/openapi.json) and a page (/) in front of the
swarm, where teams upload test files, queue load tests and follow them. Tasks run one at a time by
default (--concurrency): concurrent load tests on one cluster distort each other's numbers. The queue
is kept in DIR/atq.sqlite: after a restart, queued tasks still run and interrupted ones are failed and
their objects removed. Listening beyond loopback needs --tokens (clients send "Authorization: Bearer T");
--add-token NAME creates a token, stores only its hash in FILE and prints it once; with --admin, the
token may also cancel, remove and use what other tokens own (an operator's). Tasks may attach
their containers only to the networks --allow-network names (* as wildcard), e.g. the system under test's,
and sample (monitor) only the services --allow-monitor names (* and ? as wildcards; none by default): a
name is allowed when a pattern matches it, a glob only when it is one of the patterns.
The --max-* flags cap what one task may ask for (a larger ask is refused, naming the flag), --allow-image
the images tasks may run, --task-cpus/--task-memory every container a task starts (0: no limit), and
--keep-results how long ended tasks and unused uploads are kept (0: forever). See docs/server.md, "Limits".`;
function serveFlags(argv) {
  return parseFlags(argv, {
    listen: { type: "string" },
    data: { type: "string" },
    concurrency: { type: "string" },
    tokens: { type: "string" },
    "add-token": { type: "string" },
    admin: { type: "boolean" },
    "tls-cert": { type: "string" },
    "tls-key": { type: "string" },
    "max-upload": { type: "string" },
    "max-queued": { type: "string" },
    "allow-network": { type: "string", multiple: true },
    "max-connections": { type: "string" },
    ...limitFlagSpec(),
    help: { type: "boolean", short: "h" },
    ...connectionFlagSpec()
  });
}
function serverOptions(flags, cwd) {
  const problems = [];
  const text3 = (name) => typeof flags[name] === "string" ? flags[name] : void 0;
  const listen = text3("listen") ?? `${SERVER_DEFAULTS.host}:${SERVER_DEFAULTS.port}`;
  const m2 = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  if (!m2 || Number(m2[3]) > 65535)
    problems.push(`listen: "${listen}" is not HOST:PORT, e.g. 127.0.0.1:8480 or 0.0.0.0:8480`);
  const int = (name, fallback, max) => {
    const raw = text3(name);
    if (raw === void 0) return fallback;
    const n2 = Number(raw);
    if (!Number.isInteger(n2) || n2 < 1 || n2 > max)
      problems.push(`${name}: "${raw}" is not an integer from 1 to ${max}`);
    return n2;
  };
  const maxUpload = text3("max-upload") === void 0 ? SERVER_DEFAULTS.maxUploadBytes : parseSize(text3("max-upload"));
  if (maxUpload === void 0)
    problems.push(`max-upload: "${text3("max-upload")}" is not a size such as 100MB`);
  if (Boolean(text3("tls-cert")) !== Boolean(text3("tls-key")))
    problems.push("tls-cert and tls-key: give both, or neither");
  const options2 = {
    host: m2?.[1] ?? m2?.[2] ?? SERVER_DEFAULTS.host,
    port: Number(m2?.[3] ?? SERVER_DEFAULTS.port),
    dataDir: path17.resolve(cwd, text3("data") ?? "atq-data"),
    concurrency: int("concurrency", SERVER_DEFAULTS.concurrency, 100),
    tokensFile: text3("tokens") && path17.resolve(cwd, text3("tokens")),
    tlsCert: text3("tls-cert") && path17.resolve(cwd, text3("tls-cert")),
    tlsKey: text3("tls-key") && path17.resolve(cwd, text3("tls-key")),
    docker: dockerOptionsFrom(flags, cwd),
    maxUploadBytes: maxUpload ?? SERVER_DEFAULTS.maxUploadBytes,
    maxEntries: SERVER_DEFAULTS.maxEntries,
    maxExtractedBytes: SERVER_DEFAULTS.maxExtractedBytes,
    maxQueuedPerToken: int("max-queued", SERVER_DEFAULTS.maxQueuedPerToken, 1e4),
    allowNetworks: flags["allow-network"] ?? [],
    limits: limitsFrom(flags, problems),
    maxConnections: int("max-connections", SERVER_DEFAULTS.maxConnections, 1e5),
    headersTimeoutMs: SERVER_DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: SERVER_DEFAULTS.requestTimeoutMs
  };
  if (problems.length) throw new ConfigError(problems);
  return options2;
}
async function serveCommand(argv, cwd, signal, version) {
  const flags = serveFlags(argv);
  if (flags.help) {
    process.stdout.write(SERVE_HELP + "\n");
    return EXIT.ok;
  }
  const options2 = serverOptions(flags, cwd);
  if (flags.admin && typeof flags["add-token"] !== "string")
    throw new ConfigError(["admin: marks the token --add-token NAME creates; give --add-token too"]);
  if (typeof flags["add-token"] === "string") {
    if (!options2.tokensFile) throw new ConfigError(["add-token: give --tokens FILE to store the token in"]);
    const token = await addToken(options2.tokensFile, flags["add-token"], flags.admin === true);
    process.stdout.write(`${token}
`);
    process.stderr.write(
      `[atq] ${flags.admin ? "admin " : ""}token for ${flags["add-token"]} added to ${options2.tokensFile}; it is shown only now
`
    );
    return EXIT.ok;
  }
  const logger = consoleLogger();
  process.umask(63);
  const server = await startServer(options2, logger, version);
  logger.info(
    `atq serve: listening on ${server.url} (data in ${options2.dataDir}, concurrency ${options2.concurrency}${options2.tokensFile ? ", tokens required" : ", no tokens: loopback only"})`
  );
  await new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  logger.info("atq serve: stopping; running tasks are aborted and cleaned up, queued tasks stay queued");
  await server.close();
  return EXIT.ok;
}
export {
  SERVE_HELP,
  serveCommand,
  serverOptions
};
